() => {
  // The publication time is picked with the browser's own date-and-time field (24 h, the
  // browser's language, a calendar the browser keeps on screen at any size) instead of
  // Gradio's popup (English, AM/PM, opening under the window's edge). The field mirrors
  // Gradio's text box, which stays the value the server reads (in the brand's zone).
  const HOLDER = "#publish-at";
  const toNative = (text) => {
    const found = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})/.exec(text || "");
    return found ? `${found[1]}T${found[2]}` : "";
  };
  const attach = () => {
    const holder = document.querySelector(HOLDER);
    if (!holder) return;
    const box = holder.querySelector("input.time");
    if (!box) return;
    let native = holder.querySelector("input.native-when");
    if (!native) {
      native = document.createElement("input");
      native.type = "datetime-local";
      native.step = "60";
      native.className = "native-when";
      native.lang = document.documentElement.lang || "fr";
      const label = holder.querySelector("[data-testid='block-info']");
      if (label) native.setAttribute("aria-label", label.textContent.trim());
      holder.querySelector(".timebox").insertAdjacentElement("afterend", native);
      native.addEventListener("change", () => {
        if (!native.value) return;
        box.value = `${native.value.replace("T", " ")}:00`;
        box.dispatchEvent(new Event("input", { bubbles: true }));
        box.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
        box.dispatchEvent(new Event("blur"));
      });
    }
    const shown = toNative(box.value);
    if (document.activeElement !== native && native.value !== shown) native.value = shown;
  };
  let pending = false;
  new MutationObserver(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; attach(); });
  }).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["value"] });
  document.addEventListener("input", (event) => {
    if (event.target && event.target.matches && event.target.matches(`${HOLDER} input.time`)) attach();
  }, true);
  setInterval(attach, 1000);  // a value set by the server (a reload, a brand's zone) shows too
  attach();
}
