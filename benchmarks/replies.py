"""Inbox speed: the offline triage of 10,000 comments (goal ≤ 10 s on this machine), the
safety layer's share of it (its cost per comment), and the drafting of one comment's reply
options outside any model call (goal ≤ 50 ms). Prints medians over a few runs; the comments
are the project's own evaluation set, repeated."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.community.inbox_tables import InboxItem  # noqa: E402
from assistant.community.reply_options import draft_options  # noqa: E402
from assistant.community.safety import findings  # noqa: E402
from assistant.community.triage import triage  # noqa: E402
from assistant.core.charter import load_brand  # noqa: E402

COMMENTS = 10_000
RUNS = 3


def _item(text: str, author: str, charter) -> InboxItem:
    """A triaged comment as the store would hand it over (not stored: only drafting is timed)."""
    labels = triage(text, charter)
    return InboxItem(
        id=0, brand=charter.slug, network="facebook", external_id="b", author=author, text=text,
        language=labels.language, sentiment=labels.sentiment, intent=labels.intent,
        escalation=labels.escalation, faq=labels.faq, priority=labels.priority,
    )  # fmt: skip


def _timed(work) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of each run: on a shared machine the CPU time is the figure that
    does not depend on what the other processes do."""
    wall, cpu = [], []
    for _ in range(RUNS):
        start, used = time.perf_counter(), time.process_time()
        work()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - used)
    return wall, cpu


def main() -> None:
    rows = yaml.safe_load((ROOT / "tests" / "data" / "replies_eval.yaml").read_text("utf-8"))
    charters = {s: load_brand(s, ROOT / "brand_guides") for s in {r["brand"] for r in rows}}
    batch = [(f"{rows[i % len(rows)]['text']} #{i}", charters[rows[i % len(rows)]["brand"]])
             for i in range(COMMENTS)]  # fmt: skip
    triage(*batch[0])  # load the language model and the lexicons once, as a running app has
    times, cpu = _timed(lambda: [triage(text, charter) for text, charter in batch])
    print(f"triage of {COMMENTS:,} comments: median {statistics.median(times):.2f} s "
          f"(goal ≤ 10 s; runs {', '.join(f'{t:.2f}' for t in times)}; "
          f"CPU {statistics.median(cpu):.2f} s)")  # fmt: skip

    times, cpu = _timed(lambda: [findings(text, charter.community) for text, charter in batch])
    used = statistics.median(cpu)
    print(f"safety layer on {COMMENTS:,} comments: median {statistics.median(times):.2f} s, "
          f"CPU {used:.2f} s, {used / COMMENTS * 1e6:.0f} µs CPU per comment "
          f"(part of the triage above)")  # fmt: skip

    charter = charters["maison-lemoine"]
    texts = ["Bonjour, vous livrez à l'étranger ?", "Colis arrivé cassé, très déçue",
             "Trop bons ces palets, merci !"]  # fmt: skip
    names = ["Marie", "Paul", "Anne", "Luc", "Jeanne", "Hugo", "Lina", "Yves", "Zoé", "Noé"]
    draft_options(_item(texts[0], "Eva", charter), charter)  # proofreaders' first load
    per_reply = []
    for name in names:  # a new name each time: no proofreading result is reused
        for text in texts:
            item = _item(text, f"{name} Martin", charter)
            start = time.perf_counter()
            draft_options(item, charter)
            per_reply.append((time.perf_counter() - start) * 1000)
    print(f"reply options of one comment (no model): median {statistics.median(per_reply):.1f} ms"
          f", max {max(per_reply):.1f} ms (goal ≤ 50 ms)")  # fmt: skip


if __name__ == "__main__":
    main()
