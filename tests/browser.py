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


def download(page, button: str, files: str, target):
    """Click an export button, wait for the file link it shows under `files`, and save what
    the browser downloads as `target` (the file a person gets)."""
    page.locator(button).click()
    link = page.locator(f"{files} a").first
    link.wait_for(timeout=30_000)
    with page.expect_download() as download_info:
        link.click()
    download_info.value.save_as(target)
    return target
