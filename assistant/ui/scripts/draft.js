() => {
  // Unsaved card edits live in localStorage until the server has the same text: a reload or
  // a redraw brings them back, and leaving the page with one pending asks first.
  const KEY = "assistant-unsaved-edits";
  const load = () => {
    try { return JSON.parse(localStorage.getItem(KEY) || "{}"); } catch (e) { return {}; }
  };
  const keep = (drafts) => localStorage.setItem(KEY, JSON.stringify(drafts));
  const savedText = (id) => {
    const node = document.querySelector(`.card[data-variant="${id}"] .saved-text`);
    return node ? node.textContent : null;
  };
  const boxOf = (id) => document.querySelector(`#edit-${id} textarea`);
  window.assistantForget = (id) => { const d = load(); delete d[id]; keep(d); };
  // an edit the server does not have yet (leaving the page, or logging out, asks first)
  window.assistantUnsaved = () => Object.entries(load()).some(([id, text]) => savedText(id) !== text);
  // A redraw (visuals arriving) can put back the text the server last saw while someone
  // types: the next keystroke first restores what they had typed, at their caret.
  const carets = {};
  document.addEventListener("beforeinput", (event) => {
    const area = event.target;
    const holder = area?.tagName === "TEXTAREA" && area.closest("[id^='edit-']");
    if (!holder) return;
    const id = holder.id.slice(5);
    const typed = load()[id];
    if (typed === undefined || area.value === typed) return;
    const caret = Math.min(carets[id] ?? typed.length, typed.length);
    area.value = typed;
    area.setSelectionRange(caret, caret);
  }, true);
  document.addEventListener("input", (event) => {
    const area = event.target;
    if (!area || area.tagName !== "TEXTAREA") return;
    const holder = area.closest("[id^='edit-']");
    if (!holder) return;
    const id = holder.id.slice(5);
    carets[id] = area.selectionEnd;
    const drafts = load();
    if (area.value === savedText(id)) delete drafts[id]; else drafts[id] = area.value;
    keep(drafts);
  }, true);
  const sync = () => {
    const drafts = load();
    let changed = false;
    for (const [id, text] of Object.entries(drafts)) {
      const area = boxOf(id);
      const saved = savedText(id);
      if (!area || saved === null) continue;
      if (saved === text) { delete drafts[id]; changed = true; continue; }
      if (area.value !== text) {
        area.value = text;
        area.dispatchEvent(new Event("input", { bubbles: true }));
      }
    }
    if (changed) keep(drafts);
  };
  let pending = null;
  new MutationObserver(() => {
    if (pending) return;
    pending = setTimeout(() => { pending = null; sync(); }, 150);
  }).observe(document.body, { childList: true, subtree: true });
  // The tab a person was on comes back after a reload (a reviewer lands on Review, not on
  // Draft): a click on a tab is remembered, and the remembered tab is clicked once drawn, so
  // its own select event runs (its panel loads) as for a person's click.
  const TAB_KEY = "assistant-tab";
  document.addEventListener("click", (event) => {
    const tab = event.isTrusted && event.target.closest?.("button[role='tab'][id$='-button']");
    if (tab) localStorage.setItem(TAB_KEY, tab.id);
  }, true);
  const reopen = (tries) => {
    const tab = document.getElementById(localStorage.getItem(TAB_KEY) || "");
    if (tab && !tab.disabled) {
      if (tab.getAttribute("aria-selected") !== "true") tab.click();
    } else if (tries > 0) {
      setTimeout(() => reopen(tries - 1), 200);
    }
  };
  if (localStorage.getItem(TAB_KEY)) reopen(50);
  window.addEventListener("beforeunload", (event) => {
    if (window.assistantUnsaved()) { event.preventDefault(); event.returnValue = ""; }
  });
}
