"""Work done in the worker processes gives what the app process would have given."""

from __future__ import annotations

import os

import pytest

from assistant.core.charter import load_brand
from assistant.publishing.review import snapshot
from assistant.ui.offload import elsewhere

from .conftest import BRIEF_FR, ROOT


def _pid() -> int:
    return os.getpid()


def _wait_for(path: str) -> bool:
    """A worker kept busy until the test releases it (a file appears), or a generous 300 s."""
    import time

    for _ in range(3000):
        if os.path.exists(path):
            return True
        time.sleep(0.1)
    return False


@pytest.mark.slow
def test_a_live_check_in_the_worker_finds_what_the_app_would():
    """The typed text is checked on another core (so other people's clicks do not wait for
    it), with the same findings: spelling, the charter's legal mention, a changed price."""
    charter = load_brand("maison-lemoine", ROOT / "brand_guides")
    typed = "Nos palets au beure salé sont à 25 € jusqu'au 31 décembre ! #MaisonLemoine"
    here = snapshot(typed, charter, "instagram", "fr", BRIEF_FR)
    there = elsewhere(snapshot, typed, charter, "instagram", "fr", BRIEF_FR)
    assert elsewhere(_pid) != os.getpid()  # it really ran in another process
    assert there == here
    rules = {m["rule"]["id"] for m in there}
    assert {"FACT_CHANGED", "brand.legal_missing"} <= rules
    assert any(m["replacements"][:1] == [{"value": "beurre"}] for m in there)


@pytest.mark.slow
def test_the_workers_leave_with_the_app(tmp_path):
    """A stopped or killed app leaves no worker behind (each holds 200 MB of engines)."""
    workers = _killed_app_workers(tmp_path, "print(elsewhere(os.getpid), flush=True)")
    assert not _left_alive(workers, 120)  # a hang guard: polls, so an idle run is quick


def test_workers_still_starting_when_the_app_stops_leave_too(tmp_path):
    """The app can stop right after starting its workers (a quick restart, a failed
    launch): workers that were still loading must not stay behind, adopted and idle."""
    body = "warm(); time.sleep(0.3); print(os.getpid(), flush=True)"
    workers = _killed_app_workers(tmp_path, body)
    assert workers
    assert not _left_alive(workers, 120)


def _killed_app_workers(tmp_path, body: str) -> list[int]:
    """Run a small app whose main does `body` (printing one line), then kill it at once,
    before its workers are done loading: the worker processes it had."""
    import signal
    import subprocess
    import sys

    import psutil

    script = tmp_path / "app.py"
    script.write_text(
        "import os, time\n"
        "from assistant.ui.offload import elsewhere, warm\n"
        "if __name__ == '__main__':\n"
        f"    {body}\n"
        "    time.sleep(60)\n"
    )
    app = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    app.stdout.readline()
    workers = [p.pid for p in psutil.Process(app.pid).children(recursive=True)]
    os.kill(app.pid, signal.SIGKILL)
    app.wait()
    return workers


def _left_alive(workers: list[int], seconds: float) -> list[int]:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.2)
    return [w for w in workers if _alive(w)]


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.slow
def test_a_live_check_does_not_wait_behind_renders_or_a_busy_typing_worker(tmp_path):
    """While the render worker draws a batch of visuals, someone typing gets their check from
    the typing worker at once; when that one is busy too, from the app after a short patience."""

    from assistant.ui import offload

    offload.warm()
    assert offload.elsewhere(_pid) != os.getpid()  # the render worker is up
    # the typing worker is up: waited for (it loads its engines), not given a patience
    assert offload._pool_now("typing").submit(_pid).result(timeout=300) != os.getpid()
    release = tmp_path / "release"
    renders = [offload._pool_now("render").submit(_wait_for, str(release))]
    assert offload.soon_elsewhere(_pid) not in (os.getpid(), None)  # its own worker
    assert not renders[0].done()  # it did not wait for the render
    typing = offload._pool_now("typing").submit(_wait_for, str(release))
    assert offload.soon_elsewhere(_pid) == os.getpid()  # ran here, after its patience
    assert not typing.done()  # it did not wait for the busy typing worker either
    release.touch()
    for job in [*renders, typing]:
        assert job.result() is True
