"""Shared harness for browser tests (the `running_app` fixture is in conftest): Debian's
chromium and screenshots under artifacts/browser/."""

from __future__ import annotations

from .conftest import ROOT

ARTIFACTS = ROOT / "artifacts" / "browser"
# how long a browser test waits for a condition: a hang guard only, since `expect` and
# `wait_for` return as soon as the condition holds; a busy machine must not fail a test
WAIT_MS = 120_000
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


def _generous_expect() -> None:
    """`expect(...)` without a timeout waits WAIT_MS, not Playwright's 5 s."""
    try:
        from playwright.sync_api import expect
    except ImportError:  # browser tests are skipped without Playwright
        return
    expect.set_options(timeout=WAIT_MS)


_generous_expect()


def download(page, button: str, files: str, target):
    """Click an export button, wait for the file link it shows under `files`, and save what
    the browser downloads as `target` (the file a person gets)."""
    page.locator(button).click()
    link = page.locator(f"{files} a").first
    link.wait_for(timeout=WAIT_MS)
    with page.expect_download() as download_info:
        link.click()
    download_info.value.save_as(target)
    return target


def as_reviewer(page, name: str = "rita", lang: str = "fr") -> None:
    """Declare who decides in the Review tab: without a login the role starts as author
    (declared, not verified) and the name as ASSISTANT_USER, who also wrote the drafts."""
    from assistant.ui.i18n import tr

    page.locator("#reviewer input, #reviewer textarea").first.fill(name)
    page.locator("#review-role input").first.click()
    page.get_by_role("option", name=tr("review_role_reviewer", lang), exact=True).click()
