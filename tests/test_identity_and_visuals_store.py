"""Who acts in the UI, and visuals attached to stored variants."""

from __future__ import annotations

from types import SimpleNamespace

from PIL import Image

from assistant.core.platforms import get_platform
from assistant.core.store import Store
from assistant.publishing.brief_drafts import draft_brief
from assistant.publishing.campaign import add_brief, create_campaign, render_brief_visuals
from assistant.publishing.review_queue import describe
from assistant.ui.identity import accounts, acting, auth_users

from .conftest import use_env


def test_logged_in_user_and_role_win_over_typed_name(monkeypatch):
    use_env(monkeypatch, ASSISTANT_AUTH="alice:s3cret:reviewer, bob:pw:author, carol:pw")
    assert accounts()["alice"] == ("s3cret", "reviewer")
    assert accounts()["carol"][1] == "author"
    assert auth_users() == [("alice", "s3cret"), ("bob", "pw"), ("carol", "pw")]
    request = SimpleNamespace(username="bob")
    assert acting(request, "someone else", "admin") == acting(request, "", "reviewer")
    assert acting(request, "x", "admin").role == "author"
    assert acting(None, "dana", "reviewer").name == "dana"


def test_no_accounts_means_no_login(monkeypatch):
    use_env(monkeypatch, ASSISTANT_AUTH="")
    assert auth_users() is None


def test_visuals_attach_to_variants_without_moving_versions(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'v.db'}")
    campaign = create_campaign(store, "Visuels", "maison-lemoine")
    brief = add_brief(
        store, campaign.id, "🧈 Les palets sont de retour. Venez.", ["x", "instagram"]
    )
    ids = [vid for _v, vid in draft_brief(store, brief.id, None, "alice")]
    versions = [describe(store, i)["version"] for i in ids]
    rendered = render_brief_visuals(store, brief.id)
    for variant_id, before in zip(ids, versions, strict=True):
        info = describe(store, variant_id)
        assert info["version"] == before  # an open edit elsewhere stays valid
        sizes = {(s.width, s.height) for s in get_platform(info["platform"]).image_sizes}
        assert {Image.open(p).size for p in info["images"]} == sizes
    assert rendered["x"][0].alt_text.startswith("Les palets sont de retour")  # no emoji in it
