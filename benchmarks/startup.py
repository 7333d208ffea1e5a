"""Start-up benchmark: how long a user waits for `assistant count`, `assistant check` and for
`python app.py` to answer its first HTTP request. Each is a fresh process (cold imports, warm
disk cache), run several times; prints the median beside the goal."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RUNS = 5
GOALS = {"assistant count": 0.5, "assistant check": 1.0, "python app.py (first answer)": 4.0}


def _command_seconds(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, cwd=ROOT, env=env, capture_output=True, check=False)
    return time.perf_counter() - started


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _app_seconds(env: dict[str, str]) -> float:
    """From process start to the first 200 on `/` (the page a browser loads)."""
    port = _free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "app.py", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = started + 60
        while time.perf_counter() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1) as reply:
                    if reply.status == 200:
                        return time.perf_counter() - started
            except OSError:
                time.sleep(0.05)
        raise TimeoutError("the app did not answer within 60 s")
    finally:
        process.terminate()
        process.wait(10)


def main() -> None:
    data = tempfile.mkdtemp(prefix="startup-bench-")
    env = {
        **os.environ,
        "ASSISTANT_DATA_DIR": data,
        "ASSISTANT_DB_URL": f"sqlite:///{data}/bench.db",
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    post = Path(data) / "post.txt"
    post.write_text("Nos biscuit sont prêts : commandez-les dès aujourd'hui !", encoding="utf-8")
    cli = str(BIN / "assistant")
    measures = {
        "assistant count": lambda: _command_seconds([cli, "count", "-p", "x", "Bonjour"], env),
        "assistant check": lambda: _command_seconds([cli, "check", str(post)], env),
        "python app.py (first answer)": lambda: _app_seconds(env),
    }
    print(f"start-up, median of {RUNS} fresh processes:")
    for name, run in measures.items():
        run()  # warm the disk cache
        median = statistics.median(run() for _ in range(RUNS))
        goal = GOALS[name]
        verdict = "ok" if median <= goal else "over"
        print(f"  {name:30s} {median:6.2f} s   goal ≤ {goal:.1f} s   {verdict}")


if __name__ == "__main__":
    main()
