() => {
  // Live panels without Gradio events while nothing changes (see ui/live.py): while a live
  // panel is shown and the browser tab is visible, ask the server for the store's change
  // marker (a tiny GET); press the panel's hidden refresh button only when the marker
  // differs from the one the panel was drawn at. A tab not shown asks nothing.
  const LIVE = __LIVE__;
  const seen = (el) => (el.checkVisibility ? el.checkVisibility() : el.offsetParent !== null);
  const shown = (selector) => [...document.querySelectorAll(selector)].some(seen);
  const drawnAt = (name) => {
    const box = document.querySelector(`#${name}-marker textarea, #${name}-marker input`);
    return box ? box.value : "";
  };
  const refresh = (name) => document.getElementById(`${name}-live`)?.click();
  const pageLang = () => (document.documentElement.lang || "fr").slice(0, 2);
  const notice = (words) => {
    if (document.getElementById("live-notice")) return;
    const bar = document.createElement("div");
    bar.id = "live-notice";
    bar.setAttribute("role", "alert");
    bar.textContent = words; // text, never HTML
    bar.style.cssText =
      "padding:.6em 1em;background:#fff3cd;color:#5c4400;font-weight:600;text-align:center";
    document.body.prepend(bar);
  };
  // a page whose session ended shows no data: the notice stays, the app is hidden until a
  // check finds the session back (logged in again in another tab)
  const loggedOut = () => {
    notice(LIVE.logged_out[pageLang()] || LIVE.logged_out.en);
    document.body.classList.add("logged-out");
  };
  const loggedIn = () => {
    document.getElementById("live-notice")?.remove();
    document.body.classList.remove("logged-out");
  };
  // A logout forgets what this browser kept of the person's work (the Draft context, unsaved
  // edits, the open comment, Gradio's history): the next person to log in here must not find
  // it. An unsaved edit is asked about first. Every other open tab of this browser hears of
  // it (a storage event) and hides its page at once.
  const LOGGED_OUT = "assistant-logged-out";
  document.addEventListener("click", (event) => {
    if (!event.target.closest?.("#page-bar a.logout")) return;
    const words = LIVE.logout_unsaved[pageLang()] || LIVE.logout_unsaved.en;
    if (window.assistantUnsaved?.() && !window.confirm(words)) {
      event.preventDefault();
      return;
    }
    for (const key of Object.keys(localStorage)) {
      if ((key.startsWith("assistant-") && key !== "assistant-lang") || key.startsWith("gradio:")) {
        localStorage.removeItem(key);
      }
    }
    localStorage.setItem(LOGGED_OUT, String(Date.now()));
  });
  window.addEventListener("storage", (event) => {
    if (event.key === LOGGED_OUT && event.newValue) loggedOut();
  });
  // a marker is what the route answers (a short hex digest); anything else is a proxy's page,
  // an error or a login form
  const MARKER = /^[0-9a-f]{8,64}$/;
  let asking = false;
  // rounds to skip: grows while the server does not answer a marker, so a struggling server
  // or a logged-out page is not asked every few seconds
  let skip = 0;
  let failures = 0;
  const backOff = () => {
    failures += 1;
    skip = Math.min(2 ** failures, LIVE.max_skip) - 1;
  };
  const check = async () => {
    if (asking || document.visibilityState !== "visible") return;
    // a panel still loading has no marker yet: its own load reads the store
    const live = LIVE.panels.filter((p) => shown(p.shown) && drawnAt(p.name));
    if (!live.length) return;
    asking = true;
    try {
      // a request that never ends (a stalled connection, a browser holding it behind the
      // page's open event streams) must not stop every later check: it is given up
      const answer = await fetch(LIVE.url, {
        cache: "no-store",
        credentials: "same-origin",
        signal: AbortSignal.timeout(LIVE.every_ms * 2),
      });
      if (answer.status === 401) {
        // logged out (elsewhere, or the session ended): say so once, ask less and less often
        loggedOut();
        backOff();
        return;
      }
      const text = answer.ok ? (await answer.text()).trim() : "";
      const marker = MARKER.test(text) ? text : null;
      if (marker === null) backOff();
      else {
        failures = 0;
        loggedIn(); // logged in again meanwhile
      }
      // no marker here (a proxy that does not pass the route): refresh as a timer would,
      // at the backed-off pace
      for (const panel of live) {
        if (marker === null || marker !== drawnAt(panel.name)) refresh(panel.name);
      }
    } catch (error) {
      backOff(); // the server is unreachable: ask again later
    } finally {
      asking = false;
    }
  };
  const round = () => {
    if (skip > 0) {
      skip -= 1;
      return Promise.resolve();
    }
    return check();
  };
  const loop = () => round().finally(() => setTimeout(loop, LIVE.every_ms));
  setTimeout(loop, LIVE.every_ms);
  // a browser tab brought back to the front is brought up to date at once
  document.addEventListener("visibilitychange", () => {
    skip = 0;
    check();
  });
}
