() => {
  // The reader's language, chosen with the FR/EN switch: kept in a cookie (the server words
  // its messages with it) and in localStorage, and given to Gradio's labels. Gradio's
  // notifications title themselves with their level in English ("Info", "Warning"):
  // the titles are put in the page's language here.
  const COOKIE = "assistant-lang";
  const LANGS = ["fr", "en"];
  const TITLES = __TOAST_TITLES__;
  const fromCookie = () => {
    const found = document.cookie.split(";").map((c) => c.trim().split("="))
      .find(([name]) => name === COOKIE);
    return found && LANGS.includes(found[1]) ? found[1] : null;
  };
  const remember = (lang) => {
    document.cookie = `${COOKIE}=${lang}; path=/; max-age=31536000; SameSite=Lax`;
    try { localStorage.setItem(COOKIE, lang); } catch (e) { /* private mode: the cookie stays */ }
  };
  const stored = () => {
    let kept = null;
    try { kept = localStorage.getItem(COOKIE); } catch (e) { kept = null; }
    return fromCookie() || (LANGS.includes(kept) ? kept : null);
  };
  const pageLang = () => (document.documentElement.lang || "fr").slice(0, 2);
  const coreModule = () => {
    // Gradio's own i18n module (its labels follow its locale store)
    const url = performance.getEntriesByType("resource").map((e) => e.name)
      .find((name) => /\/assets\/core-[\w-]+\.js(\?.*)?$/.test(name));
    return url ? import(url) : Promise.reject(new Error("no core module"));
  };
  const apply = (lang) => coreModule()
    .then((core) => core.changeLocale(lang))
    .catch((error) => console.warn("language: the labels keep the browser's language", error));
  const chosen = stored();
  if (chosen) {
    if (!fromCookie()) remember(chosen);
    if (pageLang() !== chosen) apply(chosen);
  }
  const markCurrent = () => {
    document.querySelectorAll("[data-set-lang]").forEach((button) => {
      button.setAttribute("aria-pressed", String(button.dataset.setLang === pageLang()));
    });
  };
  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("[data-set-lang]");
    if (!button) return;
    event.preventDefault();
    remember(button.dataset.setLang);
    // the server's messages already shown were worded in the old language: start afresh
    window.location.reload();
  });
  const retitle = () => {
    const lang = pageLang();
    const titles = TITLES[lang] || TITLES.en;
    document.querySelectorAll(".toast-title").forEach((title) => {
      const text = Array.from(title.childNodes).find((n) => n.nodeType === Node.TEXT_NODE);
      if (!text) return;
      const level = Array.from(title.classList).find((c) => c in titles);
      if (level && text.nodeValue.trim() !== titles[level]) text.nodeValue = `${titles[level]} `;
    });
    markCurrent();
  };
  let pending = false;
  const soon = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; retitle(); });
  };
  new MutationObserver(soon).observe(document.body, { childList: true, subtree: true, characterData: true });
  // Gradio sets its locale from the browser once its translations arrive: the reader's
  // choice is put back whenever the page's language moves away from it
  new MutationObserver(() => {
    if (chosen && pageLang() !== chosen) apply(chosen);
    soon();
  }).observe(document.documentElement, { attributes: true, attributeFilter: ["lang"] });
  retitle();
}
