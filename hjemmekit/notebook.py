"""Helpers for the analyst notebooks: a session on a workbook in a few words.

Notebooks compose; this module only finds the workbook and the store. Workbooks in the
shared store are reached through :func:`hjemmekit.access.open_store`, under the same
rules as in the app: an analyst on JupyterHub lists and opens only the workbooks that
are theirs or shared with them (through the hub's store service, never by reading
other users' files); one shared to read opens read-only.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hjemmekit.access import open_store
from hjemmekit.model import load_workbook
from hjemmekit.session import Session, example_workbooks
from hjemmekit.store import WorkbookInfo

__all__ = ["list_workbooks", "open_example", "open_workbook", "workbook_data"]


def open_example(name: str, store_dir: str | Path | None = None) -> Session:
    """A session on a fresh copy of the example workbook ``name``.

    The copy lives in ``store_dir`` (default: a new temporary folder of the analyst's
    own), so the committed example is never changed.
    """
    examples = example_workbooks()
    if name not in examples:
        known = ", ".join(sorted(examples)) or "(none)"
        raise ValueError(f"no example workbook {name!r}; choose one of: {known}")
    store = open_store(store_dir or tempfile.mkdtemp(prefix="hjemmekit-"))
    wb = store.copy(load_workbook(examples[name].read_text(encoding="utf-8")))
    return Session(store, wb, autosave_delay=0)


def list_workbooks(store_dir: str | Path | None = None) -> list[WorkbookInfo]:
    """The workbooks the analyst may open, newest first, each with ``owner`` and
    ``access`` (``"owner"``, ``"edit"`` or ``"read"``)."""
    return open_store(store_dir).list()


def open_workbook(workbook_id: str, store_dir: str | Path | None = None) -> Session:
    """A session on a workbook in the store (default: the hub's store service, else
    ``HJEMMEKIT_STORE``); ``AccessDeniedError`` if it is not shared with the analyst,
    read-only (``session.read_only``) if shared to read."""
    store = open_store(store_dir)
    return Session(store, store.open(workbook_id), autosave_delay=0)


def workbook_data(session: Session):  # -> trialdata.TrialData (pandas: imported late)
    """The trial data of the session's workbook (its own files, else its example data),
    read through the store under the same rules."""
    from hjemmekit import trialdata

    return trialdata.for_workbook(session.store, session.workbook, session.lang)
