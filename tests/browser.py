"""Shared harness for browser tests (the `running_app` fixture is in conftest): Debian's
chromium and screenshots under artifacts/browser/."""

from __future__ import annotations

import re

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


class LiveChecks:
    """What a page asks for its live panel `name` (see assistant/ui/live.py): its marker
    checks (`GET /live/marker`) and the presses of the panel's refresh (the Gradio event of
    `#<name>-live`), counted from the requests the browser sends."""

    def __init__(self, page, base: str, name: str) -> None:
        config = page.request.get(f"{base}/config").json()
        button = next(c["id"] for c in config["components"]
                      if c.get("props", {}).get("elem_id") == f"{name}-live")  # fmt: skip
        self.refresh = next(d["id"] for d in config["dependencies"]
                            if [button, "click"] in d["targets"])  # fmt: skip
        self.page, self.base, self.name = page, base, name
        self.markers = self.presses = 0
        page.on("request", self._sent)

    def _sent(self, request) -> None:
        if request.url.endswith("/live/marker"):
            self.markers += 1
        elif request.method == "POST" and "/gradio_api/" in request.url:
            body = request.post_data_json
            if isinstance(body, dict) and body.get("fn_index") == self.refresh:
                self.presses += 1

    def check_now(self) -> None:
        """One check by the page's script now, as when the browser tab comes to the front."""
        with self.page.expect_response(lambda r: r.url.endswith("/live/marker")):
            self.page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")

    def asks_nothing(self) -> bool:
        """Whether a check now sends nothing: a sentinel request sent after it arrives with
        no marker check before it."""
        before = self.markers
        self.page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")
        with self.page.expect_request(lambda r: "live-sentinel" in r.url):
            self.page.evaluate("() => fetch('config?live-sentinel=1')")
        return self.markers == before

    def caught_up(self) -> None:
        """Wait until the panel shows the store's current marker (its last draw is done)."""
        import time

        box = self.page.locator(f"#{self.name}-marker textarea, #{self.name}-marker input")
        deadline = time.monotonic() + WAIT_MS / 1000
        while box.first.input_value() != self.page.request.get(f"{self.base}/live/marker").text():
            assert time.monotonic() < deadline, f"{self.name} never caught up"
            self.page.wait_for_timeout(300)


def table_row(page, table: str, text: str):
    """The first row of the table `table` whose text holds `text` with its case: Playwright's
    `has_text` ignores case, so "Question 1" would also pick a row reading "question 19 h left"
    (the intent and the time left side by side), and which row that is depends on the clock."""
    return page.locator(table).get_by_role("row").filter(has_text=re.compile(re.escape(text))).first
