"""Audit and measure what a brand already published, from the files the networks export:
import (`read_export`), store (`save_posts`, `load_posts`), audit (`audit_posts`,
`check_links`, `cadence`), measure (`measure`, `get_formula`), report (`run_audit` ->
`AuditReport` with `to_json`, `figures_csv`, `html`) and apply the recommended slots to a
campaign (`apply_slots`)."""

from .cadence import Cadence, cadence, cadence_findings
from .findings import KINDS, Finding, PostAuditor, audit_posts
from .imports import Export, read_export
from .links import LinkCache, LinkStatus, check_links, check_links_async, link_findings, post_links
from .measures import (
    Formula,
    Group,
    Heatmap,
    NetworkFigures,
    Slot,
    best_slots,
    formula_names,
    get_formula,
    measure,
    post_rate,
)
from .post import Post
from .report import AuditReport, audit_files, run_audit
from .slots import SlotRequest, apply_slots, preview_slots, undo_slots
from .storage import AnalyticsPost, load_posts, save_posts

__all__ = [
    "KINDS",
    "AnalyticsPost",
    "AuditReport",
    "Cadence",
    "Export",
    "Finding",
    "Formula",
    "Group",
    "Heatmap",
    "LinkCache",
    "LinkStatus",
    "NetworkFigures",
    "Post",
    "PostAuditor",
    "Slot",
    "SlotRequest",
    "apply_slots",
    "audit_files",
    "audit_posts",
    "best_slots",
    "cadence",
    "cadence_findings",
    "check_links",
    "check_links_async",
    "formula_names",
    "get_formula",
    "link_findings",
    "load_posts",
    "measure",
    "post_links",
    "post_rate",
    "preview_slots",
    "read_export",
    "run_audit",
    "save_posts",
    "undo_slots",
]
