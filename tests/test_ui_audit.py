"""The Bilan / Audit tab's server side: one upload bound worded in the reader's language,
a bad cell explained in French, severities and kinds in the reader's words."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.analytics import read_export, run_audit
from assistant.core.errors import InputError
from assistant.core.limits import limits
from assistant.ui.i18n import error_text

DATA = Path(__file__).parent / "data" / "analytics"


def test_the_app_lets_an_export_as_large_as_the_cli_reach_the_tab():
    from assistant.ui.app import launch_options

    assert launch_options()["max_file_size"] >= limits().analytics_bytes


def test_an_export_over_the_bound_is_refused_in_french(tmp_path):
    from assistant.ui.audit import check_sizes

    big = tmp_path / "tweets-2024.csv"
    with big.open("wb") as out:
        out.truncate(limits().analytics_bytes + 1)  # sparse: no disk used
    with pytest.raises(InputError) as caught:
        check_sizes([str(big)], "fr")
    text = error_text(caught.value, "fr")
    assert "tweets-2024.csv pèse 50,0 Mio" in text
    assert "Découpez-le par période" in text
    small = tmp_path / "ok.csv"
    small.write_bytes(b"x" * (limits().upload_bytes + 1))  # over the old 10 MiB, under 50 MiB
    check_sizes([str(small)], "fr")


def test_a_bad_number_cell_is_explained_in_french(tmp_path):
    from assistant.ui.audit import read_files

    bad = tmp_path / "x.csv"
    text = (DATA / "x_legacy_small.csv").read_text(encoding="utf-8")
    bad.write_text(text.replace('"1500.0"', '"beaucoup"', 1), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_files([str(bad)], "fr")
    shown = error_text(caught.value, "fr")
    assert "un nombre attendu" in shown and "a number" not in shown


def test_findings_show_severity_and_kind_in_french():
    from assistant.ui.audit import choices, finding_rows, table

    report = run_audit([read_export(DATA / "x_legacy_small.csv")], None, "b", network=False)
    rows = finding_rows(report)
    frame = table(rows, "fr")
    values = set(frame.iloc[:, 0]) | set(frame.iloc[:, 3])
    assert not values & {"error", "warning", "info", "spelling", "charter", "cadence"}
    assert values & {"erreur", "avertissement", "information"}
    assert ("orthographe", "spelling") in choices(["spelling"], "kind", "fr")


def test_a_role_box_sending_its_shown_text_is_read_as_its_role():
    """The Audit tab's role box, drawn when the tab opens, can send "Relecteur" for
    "reviewer": the apply handlers read the role it stands for, never a server error."""
    from assistant.ui.identity import acting

    assert acting(None, "rita", "Relecteur").role == "reviewer"
    assert acting(None, "rita", "administrateur").role == "admin"
    assert acting(None, "alice", "author").role == "author"


class _Login:
    """What the tab's handlers read of a Gradio request: a login and the browser's language."""

    def __init__(self, username: str, lang: str = "fr-FR") -> None:
        self.username = username
        self.headers = {"accept-language": lang}


def _click_handler(monkeypatch, button_id: str):
    """The handler a click on `button_id` runs, in an app with two logins (alex, author;
    rita, reviewer)."""
    from assistant.core.settings import get_settings
    from assistant.core.store import open_store
    from assistant.ui.app import build_app

    monkeypatch.setenv("ASSISTANT_AUTH", "alex:pw1:author,rita:pw2:reviewer")
    get_settings.cache_clear()
    app = build_app(open_store())
    ids = {block._id: getattr(block, "elem_id", None) for block in app.blocks.values()}
    [found] = [
        f.fn
        for f in app.fns.values()
        if any(ids.get(t[0]) == button_id and t[1] == "click" for t in f.targets)
    ]
    return found


def test_applying_slots_in_the_tab_is_refused_to_authors_and_to_other_brands(monkeypatch):
    """Logged in as an author, whatever the role box says, the preview is refused in the
    reader's words; a reviewer previews the audited brand's campaign, not another's."""
    from datetime import UTC, datetime, timedelta

    import gradio as gr

    from assistant.core.store import open_store
    from assistant.publishing.campaign import add_brief, create_campaign

    store = open_store()
    ours = create_campaign(store, "Spring", "trailforge")
    theirs = create_campaign(store, "Hiver", "maison-lemoine")
    when = datetime.now(UTC) + timedelta(days=3)
    for campaign in (ours, theirs):
        add_brief(store, campaign.id, "The north loop is open again", ["x"], when)
    slots = [{"network": "x", "weekday": 0, "hour": 9, "median_rate": 0.1, "posts": 6}]
    preview = _click_handler(monkeypatch, "audit-apply")
    with pytest.raises(gr.Error, match="alex est auteur : seuls les relecteurs"):
        preview(ours.id, slots, "trailforge", "rita", "reviewer", _Login("alex"))
    with pytest.raises(gr.Error, match=f"La campagne {theirs.id} appartient à maison-lemoine"):
        preview(theirs.id, slots, "trailforge", "", "reviewer", _Login("rita"))
    page, plan, confirm = preview(ours.id, slots, "trailforge", "", "reviewer", _Login("rita"))
    assert "Déplacements prévus" in page and len(plan) == 1 and confirm["visible"] is True
