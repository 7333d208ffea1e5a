"""Benchmarks: long inputs (check, count), drafting concurrency, proofing warm check, visuals. Prints medians and ratios.

The drafting benchmark uses a loopback benchmark harness: an HTTP server that waits a fixed
time and returns a canned OpenAI chat completion. It measures orchestration only and is
never used as evidence in tests.
"""

from __future__ import annotations

import json
import multiprocessing
import statistics
import sys
import tempfile
import time
from http.server import ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.core.charter import load_brand  # noqa: E402
from assistant.core.llm import OpenAIProvider  # noqa: E402
from assistant.core.platforms import platform_ids  # noqa: E402
from assistant.core.settings import Settings  # noqa: E402
from assistant.proofing import check_text  # noqa: E402
from assistant.publishing.drafting import DraftRequest, draft_all  # noqa: E402
from assistant.visuals import render_all  # noqa: E402
from tests.fake_model import ModelHandler, completion  # noqa: E402

DELAY = 0.5
POST = (
    "Cet hiver, nos palets au beurre salé sont limités : commandez vite sur "
    "lemoine.example/hiver #MaisonLemoine @Lemoine 🎉 Les offres sont valables jusqu'au "
    "31 décembre, livraison offerte dès 40 €. Passez nous voir à Pont-Aven, du mardi au "
    "samedi ; nous vous attendons avec un café et une galette tiède. À bientôt !"
)


def _serve(port_queue: multiprocessing.Queue, delay: float) -> None:
    CannedModel.delay = delay
    server = CannedServer(("127.0.0.1", 0), CannedModel)
    port_queue.put(server.server_port)
    server.serve_forever()


def _start_harness(delay: float) -> int:
    """The canned server in its own process, so it does not share this one's GIL."""
    ports: multiprocessing.Queue = multiprocessing.Queue()
    process = multiprocessing.Process(target=_serve, args=(ports, delay), daemon=True)
    process.start()
    return ports.get(timeout=10)


class CannedServer(ThreadingHTTPServer):
    request_queue_size = 64
    daemon_threads = True


class CannedModel(ModelHandler):
    """Benchmark harness only: waits `delay` seconds, answers a fixed completion."""

    delay = DELAY

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        time.sleep(self.delay)
        post = {
            "text": "Nos palets d'hiver sont là. Commandez-les vite.",
            "hashtags": ["#Hiver"],
            "alt_text": "Palets",
        }
        self.answer(200, completion(json.dumps(post)))


def _median_wall(request: DraftRequest, provider, runs: int) -> float:
    walls = []
    for _ in range(runs):
        started = time.perf_counter()
        variants = draft_all(request, provider)
        walls.append(time.perf_counter() - started)
        assert all(v.status != "error" for v in variants), [v.error for v in variants]
    return statistics.median(walls)


def bench_drafting(runs: int = 5) -> None:
    """Wall time of a 10-network campaign against its calls, and the cost outside the model."""
    port = _start_harness(DELAY)
    settings = Settings(
        openai_base_url=f"http://127.0.0.1:{port}/v1", openai_api_key="k", model="m", retries=0
    )
    provider = OpenAIProvider(settings)
    charter = load_brand("maison-lemoine", ROOT / "brand_guides")
    request = DraftRequest(POST, charter, platform_ids())
    calls = len(request.platforms)
    draft_all(request, provider)  # warm: client, templates, json_schema probe
    singles = {
        p: _median_wall(DraftRequest(POST, charter, [p]), provider, 3) for p in request.platforms
    }
    slowest = max(singles.values())
    wall = _median_wall(request, provider, runs)
    print(
        f"drafting: {calls} networks, server answers after {DELAY:.2f}s; single calls "
        f"{min(singles.values()):.3f}-{slowest:.3f}s (sum {sum(singles.values()):.2f}s); "
        f"campaign median wall {wall:.3f}s = {wall / slowest:.2f} x the slowest single call, "
        f"{sum(singles.values()) / wall:.1f} x faster than one after another"
    )
    instant_settings = settings.model_copy(
        update={"openai_base_url": f"http://127.0.0.1:{_start_harness(0.0)}/v1"}
    )
    instant = _median_wall(request, OpenAIProvider(instant_settings), runs)
    print(
        f"drafting outside the model (instant loopback answers): median {instant * 1000:.0f} ms "
        f"for {calls} variants = {instant / calls * 1000:.1f} ms per variant"
    )
    none = _median_wall(request, None, runs)
    print(
        f"drafting with the none provider: median {none * 1000:.0f} ms "
        f"= {none / calls * 1000:.1f} ms per variant"
    )


def bench_proofing(runs: int = 50) -> None:
    charter = load_brand("maison-lemoine", ROOT / "brand_guides")
    text = POST[:300]
    check_text(text, "fr", charter, "instagram")
    same = []
    for _ in range(runs):
        started = time.perf_counter()
        check_text(text, "fr", charter, "instagram")
        same.append(time.perf_counter() - started)
    fresh = []
    for i in range(runs):
        varied = text.replace("palets", f"palets{(i % 2 and 'x') or ''}", 1) + f" {i}"
        started = time.perf_counter()
        check_text(varied, "fr", charter, "instagram")
        fresh.append(time.perf_counter() - started)
    print(
        f"proofing: 300-char post, warm re-check median {statistics.median(same) * 1000:.1f} ms; "
        f"new text each time median {statistics.median(fresh) * 1000:.1f} ms"
    )


LONG_PARAGRAPH = (
    "Cet hiver, nos palets au beurre salé sont limités : commandez vite sur "
    "lemoine.example/hiver #MaisonLemoine @Lemoine 🎉 Les offres sont valables jusqu'au "
    "31 décembre. Erreur : les biscuit sont bon.\n"
)


def _long_text(size: int, unique: bool = False, run: int = 0) -> str:
    """`size` characters of post paragraphs; `unique` numbers each paragraph so no engine
    cache can answer for an earlier one."""
    count = size // len(LONG_PARAGRAPH) + 1
    paragraphs = [(f"{run}-{i} " if unique else "") + LONG_PARAGRAPH for i in range(count)]
    return "".join(paragraphs)[:size]


def _timed(call, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _refused(call) -> float:
    from assistant.core.errors import InputError

    started = time.perf_counter()
    try:
        call()
    except InputError:
        return time.perf_counter() - started
    raise AssertionError("expected a refusal")


def bench_large_inputs(runs: int = 3) -> None:
    """`check` and `count` on long texts, beside their goals."""
    from assistant.core.limits import limits
    from assistant.core.platforms import measure

    charter = load_brand("maison-lemoine", ROOT / "brand_guides")
    check_text(POST, "fr", charter, "facebook")
    texts = iter(_long_text(100_000, unique=True, run=run) for run in range(runs))
    wall = _timed(lambda: check_text(next(texts), "fr", charter, "facebook"), runs)
    print(f"check 100 KB (every paragraph new): median {wall:.2f}s (goal <= 2 s)")
    texts = iter(_long_text(19_000, unique=True, run=run) for run in range(runs))
    wall = _timed(lambda: check_text(next(texts), "fr", charter, "facebook"), runs)
    print(f"check 19 KB, grammar included (every paragraph new): median {wall:.2f}s")
    huge = _long_text(1_000_000)
    wall = _refused(lambda: check_text(huge, "fr", charter, "facebook"))
    print(
        f"check 1 MB: refused (over check_chars={limits().check_chars:,}) in "
        f"{wall * 1000:.1f} ms (goal: refused or done <= 10 s)"
    )
    counted = _long_text(limits().count_chars)
    for network in ("x", "bluesky", "mastodon", "linkedin"):
        wall = _timed(lambda n=network: measure(counted, n), runs)
        print(f"count 1 MB on {network}: median {wall:.2f}s (goal <= 1 s)")
    wall = _refused(lambda: measure(counted + "x", "x"))
    print(f"count over count_chars: refused in {wall * 1000:.1f} ms (goal: at once)")


def bench_visuals(runs: int = 9) -> None:
    from PIL import Image, ImageDraw

    folder = Path(tempfile.mkdtemp())
    photo = folder / "photo.jpg"
    image = Image.new("RGB", (3000, 2000), (90, 120, 80))
    ImageDraw.Draw(image).ellipse((1800, 500, 2600, 1300), fill=(220, 60, 40))
    image.save(photo, quality=90)
    charter = load_brand("trailforge", ROOT / "brand_guides")
    times, count = [], 0
    for i in range(runs):
        started = time.perf_counter()
        count = len(
            render_all(
                charter,
                "Autumn trail sale: 30% off all rain jackets",
                platform_ids(),
                photo,
                folder / str(i),
            )
        )
        times.append(time.perf_counter() - started)
    print(
        f"visuals: {count} images for 10 networks from one photo, median {statistics.median(times):.3f}s"
    )


if __name__ == "__main__":
    bench_large_inputs()
    bench_proofing()
    bench_visuals()
    bench_drafting()
