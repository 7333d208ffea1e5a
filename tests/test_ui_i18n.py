"""Every UI string exists in both languages, with the same placeholders, and the statuses and
roles the Review tab shows are all worded."""

from __future__ import annotations

import string

import yaml

from assistant.core.actors import ROLES
from assistant.publishing.review import STATUSES
from assistant.ui.i18n import LANGUAGES, UI_DIR, table, tr


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


def test_every_key_has_both_languages_with_the_same_placeholders():
    for key, texts in table().items():
        for lang in LANGUAGES:
            assert isinstance(texts.get(lang), str) and texts[lang].strip(), f"{key}: no {lang}"
        assert _fields(texts["en"]) == _fields(texts["fr"]), f"{key}: placeholders differ"


def test_keys_are_unique_across_files():
    seen: dict[str, str] = {}
    for path in sorted(UI_DIR.glob("*.yaml")):
        for key in yaml.safe_load(path.read_text(encoding="utf-8")) or {}:
            assert key not in seen, f"{key} in {path.name} and {seen[key]}"
            seen[key] = path.name


def test_statuses_and_roles_are_worded_in_both_languages():
    for status in STATUSES:
        assert tr(f"workflow_{status}", "fr") != tr(f"workflow_{status}", "en")
        assert "_" not in tr(f"workflow_{status}", "en")
    assert tr("workflow_in_review", "fr") == "en relecture"
    assert tr("workflow_in_review", "en") == "in review"
    for role in ROLES:
        assert tr(f"review_role_{role}", "en") != tr("author", "en")  # not "Your name"


def test_refusals_of_the_review_workflow_are_worded():
    from assistant.core.errors import ConflictError
    from assistant.ui.i18n import error_text

    moved = ConflictError("moved", key="text_moved", seen=1, latest=2)
    assert "version 1" in error_text(moved, "fr") and "relisez" in error_text(moved, "fr")
    assert "review it again" in error_text(moved, "en")


def test_a_refusal_names_the_status_in_the_readers_words():
    """ "déjà au statut in_review" is the code's word, not the reader's."""
    from assistant.core.errors import WorkflowError
    from assistant.ui.i18n import error_text

    sent = WorkflowError.keyed("not_submittable", id=4, status="in_review")
    assert "« en relecture »" in error_text(sent, "fr") and "in_review" not in error_text(
        sent, "fr"
    )
    assert "already in review" in error_text(sent, "en")
    moved = WorkflowError.keyed("transition_refused", id=4, status="published", to="approved",
                                allowed="none")  # fmt: skip
    assert error_text(moved, "fr") == (
        "La variante 4 est au statut « publiée » ; elle ne peut pas passer au statut « approuvée »."
    )


def test_the_language_chosen_on_the_page_wins_over_the_browsers():
    """The FR/EN switch keeps the choice in a cookie; the server words its messages with it."""
    from types import SimpleNamespace

    from assistant.ui.i18n import LANG_COOKIE, request_language

    def request(**headers):
        return SimpleNamespace(headers=headers)

    english_browser = {"accept-language": "en-US,en;q=0.9"}
    assert request_language(request(**english_browser)) == "en"
    chose_french = {**english_browser, "cookie": f"session=abc; {LANG_COOKIE}=fr"}
    assert request_language(request(**chose_french)) == "fr"
    french_browser = {"accept-language": "fr-FR", "cookie": f"{LANG_COOKIE}=en"}
    assert request_language(request(**french_browser)) == "en"
    # a value that is not one of ours, or a cookie header that cannot be read, is ignored
    assert request_language(request(**english_browser, cookie=f"{LANG_COOKIE}=de")) == "en"
    assert request_language(request(**english_browser, cookie='a="b; ;=')) == "en"
    assert request_language(None) == "fr"


def test_french_messages_elide_before_a_vowel():
    """ "le « voir plus » de Instagram" is not French: d'Instagram, de LinkedIn."""
    from assistant.proofing.rules import rule_match

    after_fold = rule_match("platform.cta_after_fold", "fr", 0, 1, network="Instagram", fold=125)
    assert "« voir plus » d’Instagram" in after_fold.message
    assert (
        "« voir plus » de LinkedIn"
        in rule_match("platform.cta_after_fold", "fr", 0, 1, network="LinkedIn", fold=210).message
    )
    assert after_fold.messages["en"].startswith("The call to action falls after Instagram's")
