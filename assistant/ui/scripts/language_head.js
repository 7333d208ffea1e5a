// Runs before Gradio sets its labels' language: the reader's choice on the FR/EN switch
// (a cookie, also kept in localStorage) stands in for the browser's language.
(() => {
  const COOKIE = "assistant-lang";
  const LANGS = ["fr", "en"];
  const found = document.cookie.split(";").map((c) => c.trim().split("="))
    .find(([name]) => name === COOKIE);
  let chosen = found && LANGS.includes(found[1]) ? found[1] : null;
  if (!chosen) {
    try { chosen = localStorage.getItem(COOKIE); } catch (e) { chosen = null; }
    if (!LANGS.includes(chosen)) return;
    document.cookie = `${COOKIE}=${chosen}; path=/; max-age=31536000; SameSite=Lax`;
  }
  const locale = chosen === "fr" ? "fr-FR" : "en-US";
  try {
    Object.defineProperty(Navigator.prototype, "language", { get: () => locale, configurable: true });
    Object.defineProperty(Navigator.prototype, "languages", { get: () => [locale, chosen], configurable: true });
  } catch (e) { /* the page's script changes the labels after load instead */ }
})();
