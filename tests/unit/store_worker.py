"""Worker processes for tests/unit/test_store.py (run as a script, not collected).

``loop DIR ID``: open the workbook and save it over and over, printing
``ACK <revision> <marker>`` after each save has returned (the parent kills it).
``concurrent DIR ID N TAG``: make N saves, each reopening and retrying on conflict,
then print a JSON line with the revisions it saved and how many conflicts it met.
"""

from __future__ import annotations

import json
import secrets
import sys
from datetime import date

from hjemmekit.model import Decision
from hjemmekit.store import ConflictError, DamagedWorkbookError, WorkbookStore

BIG_DECISIONS = 50
"""Decisions of 20,000 characters each: a document of about 1 MB, slow to write."""


def loop(directory: str, workbook_id: str) -> None:
    """Save forever; acknowledge each save on stdout."""
    store = WorkbookStore(directory)
    try:
        wb = store.open(workbook_id)
    except DamagedWorkbookError:
        wb = store.recover(workbook_id)
    if len(wb.decisions) < BIG_DECISIONS:
        filler = "hjemmearbejde " * 1400  # 19,600 characters
        wb.decisions = [
            Decision(date=date(2026, 11, 27), decision=f"d{i}", why=filler)
            for i in range(BIG_DECISIONS)
        ]
    print("READY", wb.revision, flush=True)
    while True:
        marker = secrets.token_hex(4)
        wb.title = f"rev {wb.revision + 1} {marker}"
        wb.context.notes = marker
        wb = store.save(wb)
        print(f"ACK {wb.revision} {marker}", flush=True)


def concurrent(directory: str, workbook_id: str, saves: int, tag: str) -> None:
    """Make ``saves`` saves, each adding one decision; retry on conflict."""
    store = WorkbookStore(directory)
    revisions: list[int] = []
    conflicts = 0
    for i in range(saves):
        while True:
            wb = store.open(workbook_id)
            wb.decisions.append(Decision(date=date(2026, 11, 27), decision=f"{tag}-{i}"))
            try:
                revisions.append(store.save(wb, by=tag).revision)
                break
            except ConflictError:
                conflicts += 1
    print(json.dumps({"tag": tag, "revisions": revisions, "conflicts": conflicts}), flush=True)


if __name__ == "__main__":
    mode, *args = sys.argv[1:]
    if mode == "loop":
        loop(args[0], args[1])
    elif mode == "concurrent":
        concurrent(args[0], args[1], int(args[2]), args[3])
    else:
        sys.exit(f"unknown mode {mode!r}")
