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
  let asking = false;
  const check = async () => {
    if (asking || document.visibilityState !== "visible") return;
    // a panel still loading has no marker yet: its own load reads the store
    const live = LIVE.panels.filter((p) => shown(p.shown) && drawnAt(p.name));
    if (!live.length) return;
    asking = true;
    try {
      const answer = await fetch(LIVE.url, { cache: "no-store", credentials: "same-origin" });
      if (answer.status === 401) return; // logged out: the page itself will say so
      // no marker here (a proxy that does not pass the route): refresh as a timer would
      const marker = answer.ok ? (await answer.text()).trim() : null;
      for (const panel of live) {
        if (marker === null || marker !== drawnAt(panel.name)) refresh(panel.name);
      }
    } catch (error) {
      // the server is unreachable: the next round asks again
    } finally {
      asking = false;
    }
  };
  const loop = () => check().finally(() => setTimeout(loop, LIVE.every_ms));
  setTimeout(loop, LIVE.every_ms);
  // a browser tab brought back to the front is brought up to date at once
  document.addEventListener("visibilitychange", () => check());
}
