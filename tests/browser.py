"""Shared harness for browser tests (the `running_app` fixture is in conftest): Debian's
chromium and screenshots under artifacts/browser/."""

from __future__ import annotations

from .conftest import ROOT

ARTIFACTS = ROOT / "artifacts" / "browser"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def launch_chromium(playwright):
    """Debian's chromium (no browser download here)."""
    return playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
