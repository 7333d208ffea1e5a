"""Audit benchmark: `assistant audit` on a generated 10,000-post X export without link
checks (goal ≤ 20 s, memory ≤ 1 GB), and link checks of 1,000 distinct URLs against a local
server (goal ≤ 60 s). Prints the figures beside the goals.

The posts are built from sentences of a brand's usual posts: recurring formats repeat
word for word (a weekly series, thanks, re-shared announcements), the rest vary; the share
of distinct texts is printed, since the checks are cached per text."""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.analytics import LinkCache, check_links  # noqa: E402
from assistant.core.netpolicy import trusting  # noqa: E402
from tests.command_line import offline_audit  # noqa: E402
from tests.exports import write_x_legacy  # noqa: E402
from tests.link_server import listener  # noqa: E402

POSTS = 10_000
RECURRING_SHARE = float(os.environ.get("AUDIT_RECURRING_SHARE", "0.4"))
URLS = 1_000
GOALS = {"audit_s": 20.0, "audit_rss_mb": 1024.0, "links_s": 60.0}
SENTENCES = [
    "Our new trail shoes are here.",
    "Try them this weekend at the store near you.",
    "The north loop is open again after the winter.",
    "Bring water, a map and a friend.",
    "Thanks to everyone who joined the ridge walk on Sunday!",
    "Our guides will be at the trailhead from 8 am.",
    "The spring collection is made from recycled fabric.",
    "Share your best summit photo with us.",
    "Weather looks great for the long loop this week.",
    "Registration for the night hike closes on Friday.",
    "We repair your old boots for free this month.",
    "New maps of the coastal path are available online.",
]
RECURRING = [
    "Trail tip of the week: check the forecast before you leave. #TrailTips",
    "Thank you! 🙏",
    "Happy trails this weekend! 🥾 #trail",
    "Our shop is closed on Monday for inventory.",
]
TAGS = ["#trail", "#hiking", "#outdoors", "#Trailforge", ""]


def _text(rng: random.Random, i: int) -> str:
    if rng.random() < RECURRING_SHARE:
        return RECURRING[i % len(RECURRING)]
    chosen = rng.sample(SENTENCES, 2)
    day = f"Day {rng.randint(1, 400)} of the challenge:" if rng.random() < 0.8 else ""
    return f"{day} {chosen[0]} {chosen[1]} {rng.choice(TAGS)}".strip()


def write_export(path: Path, count: int) -> int:
    """A legacy X export of `count` posts; returns how many texts are distinct."""
    rng = random.Random(7)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    texts = set()

    def row(i: int) -> list[str]:
        text = _text(rng, i)
        texts.add(text)
        when = start + timedelta(minutes=rng.randint(0, 60 * 24 * 365))
        impressions = rng.randint(50, 20000)
        return [
            str(1_700_000_000_000_000_000 + i),
            "",
            text,
            when.strftime("%Y-%m-%d %H:%M +0000"),
            f"{impressions}.0",
            str(rng.randint(0, impressions // 10)),
            "1.0",
            "0.0",
            "0.0",
        ]

    write_x_legacy(path, (row(i) for i in range(count)))
    return len(texts)


def bench_audit(folder: Path) -> dict[str, float]:
    export = folder / "tweets.csv"
    distinct = write_export(export, POSTS)
    env = {
        **os.environ,
        "ASSISTANT_DB_URL": f"sqlite:///{folder / 'bench.db'}",
        "ASSISTANT_DATA_DIR": str(folder / "data"),
        "PYTHONPATH": str(ROOT),
    }
    started = time.perf_counter()
    command = [sys.executable, "-c", "from assistant.cli import main; main()"]
    args = [*offline_audit(export), "--format", "json", "--out", str(folder / "report.html")]
    result = subprocess.run([*command, *args], cwd=ROOT, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode not in (0, 1):
        raise SystemExit(result.stderr.decode()[-2000:])
    rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"audit_s": elapsed, "audit_rss_mb": rss_mb, "distinct_texts": distinct}


def bench_links() -> dict[str, float]:
    # the local server stands for the web: declared to the network policy, past the bounds
    with listener() as server, trusting([("127.0.0.1", server.port)]):
        base = server.url
        urls = [f"{base}/ok/{i}" if i % 10 else f"{base}/missing/{i}" for i in range(URLS)]
        started = time.perf_counter()
        found = check_links(urls, LinkCache(), timeout=10, max_links=URLS, budget=600)
        elapsed = time.perf_counter() - started
    wrong = sum(found[u].status != ("not_found" if "/missing/" in u else "ok") for u in urls)
    return {"links_s": elapsed, "links_misclassified": wrong}


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        figures = {**bench_audit(Path(folder)), **bench_links()}
    for name, value in figures.items():
        goal = GOALS.get(name)
        verdict = "" if goal is None else ("  ok" if value <= goal else "  OVER")
        shown = f"≤ {goal:g}" if goal is not None else ""
        print(f"{name:22} {value:10.2f} {shown}{verdict}")


if __name__ == "__main__":
    main()
