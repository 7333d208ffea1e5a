"""Where the outside benchmarks' data live. They are measures made by other people and are
not part of this repository (nor of `make test`): `--data DIR` names the folder that holds
them, else the environment variable `ASSISTANT_BENCH_DATA`, else a `shared/data` folder
beside the checkout (or beside the folder that holds it), when one exists."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = "ASSISTANT_BENCH_DATA"
# what each benchmark is, in one line: where a user gets it when it is absent
HOW_TO_GET = {
    "proofing-bench": "en.jsonl and fr.jsonl, one JSON object a line: the <example> "
    "sentences of LanguageTool's grammar.xml rules, from languagetool-org/languagetool",
    "replies-bench": "public human-labelled tweets (complaints, OLID, MLMA, UMSAB) as "
    "inbox-import CSVs with label_* columns",
    "triage-training": "declared train/val splits of public tweet sets (OLID, HatEval, UMSAB) "
    "as text,label,split CSVs",
}


def data_folder(argv: list[str] | None = None) -> Path | None:
    """The folder given by `--data DIR`, `$ASSISTANT_BENCH_DATA` or found beside the checkout."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--data", type=Path, default=None)
    known, _ = parser.parse_known_args(argv)
    if known.data is not None:
        return known.data
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    for parent in (ROOT.parent, ROOT.parent.parent):
        if (parent / "shared" / "data").is_dir():
            return parent / "shared" / "data"
    return None


def bench_folder(name: str, argv: list[str] | None = None) -> Path:
    """`name`'s folder inside the data folder; when it is absent, one line saying how to get
    it and a clean exit (status 0: a benchmark without its data measures nothing)."""
    base = data_folder(argv)
    folder = base / name if base is not None else None
    if folder is None or not folder.is_dir():
        where = f"in {base}" if base is not None else f"(no --data DIR, no ${ENV})"
        print(
            f"{name} not found {where}: put {name}/ ({HOW_TO_GET[name]}) in a folder and "
            f"pass it with --data DIR or {ENV}=DIR",
            file=sys.stderr,
        )
        raise SystemExit(0)
    return folder
