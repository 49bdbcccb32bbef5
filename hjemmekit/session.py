"""An editing session on one workbook: changes, autosave, conflicts, messages.

Plain Python (no widgets): the app's views call :meth:`Session.edit` with a small
function that changes the document; the session validates, saves through the
store (debounced while typing) and tells its listeners what happened. A save that
finds a newer revision on disk (another tab or user) is not written over it: the
session keeps the user's version in memory and offers to reload or to keep it as a
copy, so nothing typed is lost.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from hjemmekit.model import DocumentError, Workbook, format_validation_error, load_workbook
from hjemmekit.store import (
    ConflictError,
    DamagedWorkbookError,
    StoreError,
    WorkbookStore,
    default_store_dir,
)

State = Literal["saved", "pending", "conflict", "error"]


@dataclass(frozen=True)
class Status:
    """What the status line shows: the state, a message key and its fields."""

    state: State
    key: str
    fields: tuple[tuple[str, object], ...] = ()
    saved_at: datetime | None = None


Listener = Callable[[str], None]
"""Called with an event: ``"workbook"`` (another workbook or a reload), ``"status"``,
``"lang"``."""


def examples_dir() -> Path:
    """Folder of example workbooks and data: inside the package when installed from a
    wheel, else ``data/examples`` in the source tree."""
    packaged = Path(__file__).resolve().parent / "data" / "examples"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[1] / "data" / "examples"


def example_workbooks() -> dict[str, Path]:
    """Example workbooks by name (file stem under ``data/examples/workbooks``)."""
    folder = examples_dir() / "workbooks"
    return {p.stem: p for p in sorted(folder.glob("*.json"))}


def copy_example(store: WorkbookStore, name: str) -> Workbook | None:
    """A new copy of the example workbook ``name`` in ``store`` (None: no such example).

    The committed example is never changed; the user works on the copy.
    """
    path = example_workbooks().get(name)
    if path is None:
        return None
    return store.copy(load_workbook(path.read_text(encoding="utf-8")))


class Session:
    """One user's editing of one workbook at a time."""

    def __init__(
        self,
        store: WorkbookStore,
        workbook: Workbook | None = None,
        *,
        lang: str | None = None,
        autosave_delay: float = 0.6,
    ) -> None:
        self.store = store
        self.autosave_delay = autosave_delay
        self._listeners: list[Listener] = []
        self._timer: asyncio.TimerHandle | None = None
        self.workbook = workbook if workbook is not None else store.create()
        self.lang = lang or self.workbook.language
        self.status = Status(
            "saved", "app.status_saved", (("revision", self.workbook.revision),),
            self.workbook.updated,
        )
        self.conflict_revision: int | None = None

    # --- listeners -----------------------------------------------------------------

    def observe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def _emit(self, event: str) -> None:
        for listener in list(self._listeners):
            listener(event)

    def _set_status(self, state: State, key: str, **fields: object) -> None:
        saved_at = self.workbook.updated if state == "saved" else None
        self.status = Status(state, key, tuple(fields.items()), saved_at)
        self._emit("status")

    # --- editing -------------------------------------------------------------------

    def edit(self, change: Callable[[Workbook], object], *, typing: bool = False) -> bool:
        """Apply ``change`` to the workbook and save it.

        ``typing=True`` delays the save a little so that a word typed is one
        revision, not one per key. Returns False (and shows the message in the
        status) when the change is not valid; the document is then unchanged.
        """
        before = self.workbook.model_copy(deep=True)
        try:
            change(self.workbook)
            # Validate the whole document again: nested lists are not checked on append.
            Workbook.model_validate(self.workbook.model_dump())
        except ValidationError as e:
            self.workbook = before
            self._set_status("error", "app.status_invalid", problem=format_validation_error(e))
            return False
        except ValueError as e:
            self.workbook = before
            self._set_status("error", "app.status_invalid", problem=str(e))
            return False
        if self.status.state == "conflict":
            return True  # kept in memory; the user chooses how to resolve first
        if typing and self.autosave_delay > 0 and self._schedule():
            self._set_status("pending", "app.status_pending")
            return True
        self.save_now()
        return True

    def _schedule(self) -> bool:
        try:
            loop = asyncio.get_event_loop()
        except RuntimeError:
            return False
        if not loop.is_running():
            return False
        if self._timer is not None:
            self._timer.cancel()
        self._timer = loop.call_later(self.autosave_delay, self.save_now)
        return True

    def save_now(self) -> None:
        """Save at once (cancels a pending delayed save)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        try:
            self.workbook = self.store.save(self.workbook)
        except ConflictError as e:
            self.conflict_revision = getattr(e, "revision", None)
            self._set_status("conflict", "app.status_conflict")
            return
        except OSError as e:
            self._set_status("error", "app.status_save_failed", problem=str(e))
            return
        self._set_status("saved", "app.status_saved", revision=self.workbook.revision)

    @property
    def pending(self) -> bool:
        return self._timer is not None

    # --- conflicts -----------------------------------------------------------------

    def reload(self) -> None:
        """Drop unsaved changes and load the newest saved revision."""
        self.open(self.workbook.id)

    def keep_as_copy(self) -> None:
        """Save the in-memory version as a new workbook, leaving the newer one alone."""
        mine = self.workbook
        copy = self.store.copy(mine, title=mine.title)
        self._switch(copy)

    # --- workbooks -----------------------------------------------------------------

    def _switch(self, workbook: Workbook) -> None:
        if self._timer is not None:
            self.save_now()
        self.workbook = workbook
        self.conflict_revision = None
        self._emit("workbook")
        self._set_status("saved", "app.status_saved", revision=workbook.revision)

    def open(self, workbook_id: str) -> bool:
        """Open another workbook from the store; False (with a message) if it can't be read."""
        try:
            wb = self.store.open(workbook_id)
        except DamagedWorkbookError as e:
            self._set_status("error", "app.status_damaged", problem=str(e))
            return False
        except (StoreError, DocumentError, OSError, ValueError) as e:
            self._set_status("error", "app.status_open_failed", problem=str(e))
            return False
        self._switch(wb)
        return True

    def open_example(self, name: str) -> bool:
        """Open a new copy of an example workbook; False (with a message) if unknown."""
        wb = copy_example(self.store, name)
        if wb is None:
            self._set_status("error", "app.status_open_failed", problem=name)
            return False
        self._switch(wb)
        return True

    def new(self, title: str = "", organisation: str = "") -> None:
        self._switch(self.store.create(title=title, organisation=organisation, language=self.lang))

    def upload(self, name: str, content: bytes) -> bool:
        """Import an uploaded workbook JSON as a new workbook in the store."""
        try:
            doc = json.loads(content.decode("utf-8-sig"))
            wb = self.store.import_document(doc)
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            self._set_status("error", "app.status_upload_failed", name=name, problem=str(e))
            return False
        except DocumentError as e:
            self._set_status("error", "app.status_upload_failed", name=name, problem=str(e))
            return False
        self._switch(wb)
        return True

    def download(self) -> tuple[str, bytes]:
        """File name and bytes of the current workbook as JSON."""
        stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in self.workbook.title)
        name = f"{stem.strip('-') or 'arbejdsbog'}-{self.workbook.id}.json"
        return name, self.workbook.to_json().encode("utf-8")

    def set_lang(self, lang: str) -> None:
        if lang == self.lang:
            return
        self.lang = lang
        self.edit(lambda wb: setattr(wb, "language", lang))
        self._emit("lang")


def start_session(
    store_dir: str | os.PathLike[str] | None = None,
    *,
    workbook_id: str | None = None,
    example: str | None = None,
    autosave_delay: float = 0.6,
) -> Session:
    """The session the app starts with.

    Opens ``workbook_id`` if given, else the most recently saved workbook; when the
    store is empty, a copy of the example workbook ``example`` (if any), else a new one.
    """
    store = WorkbookStore(store_dir or default_store_dir())
    wb: Workbook | None = None
    if workbook_id:
        try:
            wb = store.open(workbook_id)
        except (StoreError, DocumentError, OSError, ValueError):
            wb = None
    if wb is None:
        infos = sorted(
            (i for i in store.list() if not getattr(i, "damaged", False)),
            key=lambda i: i.updated,
            reverse=True,
        )
        for info in infos:
            try:
                wb = store.open(info.id)
                break
            except (StoreError, DocumentError, OSError, ValueError):
                continue
    if wb is None and example:
        wb = copy_example(store, example)
    return Session(store, wb, autosave_delay=autosave_delay)
