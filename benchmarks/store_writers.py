"""Concurrent writers on one variant: threads × edits, each retried on conflict until saved.

Reports wall time, conflicts and lost updates (versions stored minus edits made, which must
be zero). `python benchmarks/store_writers.py [--url URL] [--threads 8] [--edits 200]`;
without --url a temporary SQLite file is used.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.core.actors import Actor
from assistant.core.errors import ConflictError
from assistant.core.store import Store
from assistant.publishing.brief_drafts import draft_brief
from assistant.publishing.campaign import add_brief, create_campaign
from assistant.publishing.review import current, edit
from assistant.publishing.review_queue import describe


def run(url: str, threads: int, edits: int) -> None:
    store = Store(url)
    campaign = create_campaign(store, "Writers", "trailforge")
    brief = add_brief(
        store, campaign.id, "Trail shoes are back. Offer valid while stocks last.", ["mastodon"]
    )
    (variant_id,) = [vid for _v, vid in draft_brief(store, brief.id, None, "bench")]
    conflicts = [0] * threads

    def writer(n: int) -> None:
        for i in range(edits):
            while True:
                text, version = current(store, variant_id)
                try:
                    edit(
                        store,
                        variant_id,
                        f"{text[:300]} w{n}e{i}",
                        Actor(f"w{n}", "author"),
                        version,
                    )
                    break
                except ConflictError:
                    conflicts[n] += 1

    workers = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    wall = time.perf_counter() - started
    stored = len(describe(store, variant_id)["versions"]) - 1
    made = threads * edits
    print(
        f"{store.engine.dialect.name}: {threads} threads × {edits} edits = {made} saves in "
        f"{wall:.1f}s ({made / wall:.0f}/s), {sum(conflicts)} conflicts retried, "
        f"{made - stored} lost updates"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--edits", type=int, default=200)
    args = parser.parse_args()
    url = args.url or f"sqlite:///{tempfile.mkdtemp()}/writers.db"
    run(url, args.threads, args.edits)
