"""An audit as a job of team mode: the exports a person gave are kept as blobs in the store
(bounded first, exactly as a file read here is), an `assistant worker` on any machine reads
them by key, runs the audit (link checks through the network policy, posts saved) and hands
back the report as JSON, which the app or the CLI rebuilds whole (`AuditReport.from_dict`).

On one machine (SQLite, inline jobs) the shells audit the files in their own process as they
always did; `queued_audit` is only asked in team mode."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core import jobs
from ..core.archives import check_archive, is_zip
from ..core.blobs import blob_store, key_of
from ..core.charter import load_brand
from ..core.limits import limits, read_bounded
from ..core.settings import get_settings
from ..core.store import Store
from .imports import SPLIT_BY_PERIOD, clock, export_of
from .links import LinkCache
from .report import AuditReport, run_audit


def keep_export(path: str | Path) -> dict[str, str]:
    """An export kept as a blob for a worker to read: its key and its file's name. Refused
    before it is stored, as `read_export` refuses it, when it is over the export bound, and
    when it is a workbook that would inflate past the archive bounds."""
    path = Path(path)
    raw = read_bounded(path, limits().analytics_bytes, "an export", SPLIT_BY_PERIOD)
    if is_zip(raw):
        check_archive(raw, path.name)
    return {"key": blob_store().put(raw), "name": path.name}


def queued_audit(
    files: list[str | Path],
    brand: str,
    *,
    formula: str | None = None,
    network: bool = True,
    zone: str = "UTC",
    link_cache: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> AuditReport:
    """The audit of the export `files` (on this machine) run by a worker. Progress is
    coarse: `progress(stage, done, total)` says the files are saved ("saved"), a worker is
    awaited ("queued"), the report is back ("done"); the posts and links a worker checks are
    not followed one by one. A file the worker cannot read comes back as the same InputError
    (file, row, field) a file read here raises. The report files a person downloads are
    written from the rebuilt report by the process that serves them, as on one machine: they
    are the report's own rendering, byte for byte, and kept nowhere else."""
    clock(zone)
    kept = []
    for done, path in enumerate(files, start=1):
        kept.append(keep_export(path))
        _tell(progress, "saved", done, len(files))
    _tell(progress, "queued", 0, 1)
    data = jobs.call(
        "audit",
        files=kept,
        brand=brand,
        formula=formula,
        network=network,
        zone=zone,
        link_cache=link_cache,
    )
    _tell(progress, "done", 1, 1)
    return AuditReport.from_dict(data)


def _tell(progress: Callable[[str, int, int], None] | None, *stage: Any) -> None:
    if progress is not None:
        progress(*stage)


def _audit_key(files: list[dict[str, str]], **options: Any) -> str:
    """Two audits of the same files with the same options deferred are one job (each
    `call` is its own job all the same)."""
    keys = ",".join(f"{f['key']}:{f['name']}" for f in files)
    return key_of(f"{keys}|{sorted(options.items())!r}".encode())


@jobs.kind("audit", key=_audit_key)
def audit_exports(
    store: Store,
    files: list[dict[str, str]],
    brand: str,
    formula: str | None = None,
    network: bool = True,
    zone: str = "UTC",
    link_cache: bool = False,
) -> dict[str, Any]:
    """The worker's side: read every stored export (all before anything is saved, as the
    CLI does), audit them with the brand's charter, and give the report as JSON."""
    blobs = blob_store()
    exports = [export_of(blobs.get(f["key"]), f["name"], zone) for f in files]
    charter = load_brand(brand, get_settings().brand_dir) if brand else None
    cache = LinkCache(get_settings().data_dir / "cache" / "links.json") if link_cache else None
    report = run_audit(
        exports,
        charter,
        brand,
        formula=formula,
        network=network,
        store=store,
        link_cache=cache,
    )
    if cache is not None:
        cache.save()
    return report.to_dict()
