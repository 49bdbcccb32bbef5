"""Helpers for the analyst notebooks: a session on a workbook in a few words.

Notebooks compose; this module only finds the workbook and the store.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hjemmekit.model import load_workbook
from hjemmekit.session import Session, example_workbooks
from hjemmekit.store import WorkbookStore


def open_example(name: str, store_dir: str | Path | None = None) -> Session:
    """A session on a fresh copy of the example workbook ``name``.

    The copy lives in ``store_dir`` (default: a new temporary folder), so the
    committed example is never changed.
    """
    examples = example_workbooks()
    if name not in examples:
        known = ", ".join(sorted(examples)) or "(none)"
        raise ValueError(f"no example workbook {name!r}; choose one of: {known}")
    store = WorkbookStore(store_dir or tempfile.mkdtemp(prefix="hjemmekit-"))
    wb = store.copy(load_workbook(examples[name].read_text(encoding="utf-8")))
    return Session(store, wb, autosave_delay=0)


def open_workbook(workbook_id: str, store_dir: str | Path) -> Session:
    """A session on a workbook in an existing store folder."""
    store = WorkbookStore(store_dir)
    return Session(store, store.open(workbook_id), autosave_delay=0)
