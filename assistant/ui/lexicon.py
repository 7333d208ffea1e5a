""" "Add to brand lexicon" for a word the checker flagged in a variant: a picker under the
Review tab's card, and one button per flagged word on a Draft card when the person logged in
reviews or administers (an author never sees them).

The words offered are the spelling matches of the card (an unknown product name, a regional
word); adding one updates the charter file (comments and order kept, the change logged by
`assistant/publishing/lexicon.py`), checks the variant again and redraws its card without the match.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import gradio as gr

from ..core.actors import REVIEW_ROLES, Actor
from ..core.charter import load_brand
from ..core.errors import AssistantError
from ..core.settings import get_settings
from ..core.store import Store
from ..publishing import review_queue
from ..publishing.lexicon import accept_in_variant
from . import cards
from .boundary import handled
from .i18n import error_text, request_language, t, tr
from .identity import acting

log = logging.getLogger("assistant.ui")
SPELLING = "TYPOS"
CARD_WORDS = 4  # buttons per Draft card: a text full of unknown words is not a button wall


def flagged_words(info: dict[str, Any]) -> list[str]:
    """The distinct words of the variant's spelling matches, in reading order."""
    text = info["text"]
    words = [
        text[m["offset"] : m["offset"] + m["length"]]
        for m in sorted(info["matches"] or [], key=lambda m: m["offset"])
        if (m.get("rule") or {}).get("category", {}).get("id") == SPELLING
    ]
    return list(dict.fromkeys(w for w in words if w.strip()))


def build(store: Store, seen: gr.State, card: gr.HTML, reviewer: Any, role: Any) -> None:
    """The word picker and its button, under the card; filled whenever the card is redrawn,
    shown only when the card has a flagged word and the person may add it (an author's role
    hides it)."""
    with gr.Row(elem_classes=["lexicon"], visible=False, elem_id="lexicon") as row:
        word = gr.Dropdown([], label=t("lexicon_word"), elem_id="lexicon-word")
        add = gr.Button(t("lexicon_add"), elem_id="lexicon-add", scale=0)

    @handled
    def words(shown: dict | None, typed_role: str, request: gr.Request):
        if not shown:
            return gr.update(choices=[], value=None), gr.update(visible=False)
        return _choices(review_queue.describe(store, int(shown["id"])), typed_role)

    @handled
    def accept(
        shown: dict | None, chosen: str | None, who: str, typed_role: str, request: gr.Request
    ):
        lang = request_language(request)
        if not shown:
            raise AssistantError("open a variant first", key="choose_variant")
        if not chosen:
            raise AssistantError("choose a flagged word first", key="lexicon_choose_word")
        actor = acting(request, who, typed_role)
        vid = int(shown["id"])
        try:
            accept_in_variant(store, vid, chosen, actor)
        except AssistantError as exc:
            # a refusal (an author, a charter that cannot be written) leaves the card and the
            # picker as they were: one toast, no error badge over what is still true
            log.info("refused lexicon add for %s: %s", actor.name, exc)
            gr.Warning(error_text(exc, lang), title=tr("toast_refused", lang))
            return gr.skip(), gr.skip(), gr.skip()
        info = review_queue.describe(store, vid)
        charter = load_brand(info["brand"], get_settings().brand_dir)
        gr.Info(
            tr("lexicon_added", lang, word=chosen, brand=charter.name),
            title=tr("toast_done", lang),
        )
        drawn = cards.card_html(cards.CardView.from_described(info), charter, lang)
        return drawn, *_choices(info, typed_role)

    offer = {"show_progress": "hidden"}
    gr.on([card.change, role.change], words, [seen, role], [word, row], **offer)
    add.click(accept, [seen, word, reviewer, role], [card, word, row], concurrency_limit=4)


def _choices(info: dict[str, Any], typed_role: str | None):
    """The flagged words to offer, and the picker shown only when there is one to add."""
    found = flagged_words(info)
    offered = gr.update(choices=found, value=found[0] if found else None)
    return offered, gr.update(visible=bool(found) and typed_role in REVIEW_ROLES)


def card_buttons(
    store: Store, view: cards.CardView, who: Actor, lang: str, tick: gr.State
) -> list[gr.Button]:
    """On a Draft card, one "add to lexicon" button per flagged word, for reviewers and
    administrators; a click adds the word, then moves `tick` so the cards redraw."""
    info = {"text": view.text, "matches": view.matches}
    words = flagged_words(info)[:CARD_WORDS] if who.role in REVIEW_ROLES else []
    buttons = []
    if not words:
        return buttons
    with gr.Row(elem_classes=["lexicon-words"]):
        for found in words:
            label = tr("lexicon_add_word", lang, word=found)[:60]
            button = gr.Button(label, size="sm", elem_classes=["lexicon-add"])
            key = f"card-{view.id}-lexicon-{found}"
            event = button.click(_adder(store, view.id, found, who), None, None, key=key)
            event.then(time.monotonic_ns, None, tick, show_progress="hidden", key=f"{key}-redraw")
            buttons.append(button)
    return buttons


def _adder(store: Store, variant_id: int, chosen: str, who: Actor):
    @handled
    def add(request: gr.Request) -> None:
        lang = request_language(request)
        accept_in_variant(store, variant_id, chosen, who)
        brand = review_queue.describe(store, variant_id)["brand"]
        name = load_brand(brand, get_settings().brand_dir).name
        gr.Info(tr("lexicon_added", lang, word=chosen, brand=name), title=tr("toast_done", lang))

    return add
