"""Brief import benchmark: `assistant campaign import` of the 100-row fixture, each brief for
7 networks (700 variants), rule-based drafting, proofing and visuals on, in a fresh store.
Goal: ≤ 120 s and ≤ 1.5 GB for the whole process tree (the CLI and its drawing workers),
sampled every 0.2 s. The machine's load average is printed beside the figures, since a
shared machine's load changes the time far more than the code does."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "data" / "briefs" / "briefs-100.csv"
GOALS = {"import_s": 120.0, "import_rss_mb": 1536.0}


def tree_rss(process: psutil.Process) -> int:
    """Resident memory of a process and all its children, in bytes."""
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            continue
    return total


def children_cpu() -> float:
    """CPU seconds used by the finished children (and the workers they waited for)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def run_import(folder: Path) -> tuple[float, int, dict]:
    env = {
        **os.environ,
        "ASSISTANT_DB_URL": f"sqlite:///{folder / 'bench.db'}",
        "ASSISTANT_DATA_DIR": str(folder / "data"),
        "ASSISTANT_PROVIDER": "none",
        "PYTHONPATH": str(ROOT),
    }
    main = "from assistant.cli import main; main()"
    command = [sys.executable, "-c", main, "campaign", "import", str(FIXTURE)]
    command += ["--brand", "maison-lemoine", "--campaign", "Bench", "--format", "json"]
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    watched, peak = psutil.Process(child.pid), 0
    while child.poll() is None:
        peak = max(peak, tree_rss(watched))
        time.sleep(0.2)
    out, err = child.communicate()
    elapsed = time.perf_counter() - start
    if child.returncode:
        raise SystemExit(f"import failed ({child.returncode}): {err.decode()[-2000:]}")
    return elapsed, peak, json.loads(out)


def main() -> None:
    load_before, cpu_before = os.getloadavg(), children_cpu()
    with tempfile.TemporaryDirectory(prefix="bench-import-") as scratch:
        elapsed, peak, result = run_import(Path(scratch))
    load_after, cpu = os.getloadavg(), children_cpu() - cpu_before
    figures = {"import_s": elapsed, "import_rss_mb": peak / 2**20}
    print(
        f"brief import: {result['briefs']} briefs, {result['drafted']}/{result['variants']} "
        f"variants drafted, {result['checked']} checked, {result['rendered']} rendered, "
        f"{result['with_errors']} with errors ({result['status']})"
    )
    for name, value in figures.items():
        verdict = "ok" if value <= GOALS[name] else "OVER"
        print(f"  {name:>14}: {value:8.1f}  goal ≤ {GOALS[name]:.0f}  {verdict}")
    print(
        f"  CPU time of the process tree {cpu:.0f} s: on {os.cpu_count()} idle cores about "
        f"{cpu / (os.cpu_count() or 1):.0f} s at best"
    )
    print(
        f"  load average (1 min) before {load_before[0]:.1f}, after {load_after[0]:.1f} "
        f"on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
