"""Microsoft Forms exports (XLSX).

The first sheet: ``ID, Start time, Completion time, Email, Name`` (newer exports add
``Last modified time``; a Danish account writes ``Id, Starttidspunkt,
Fuldførelsestidspunkt, Mail, Navn, Tidspunkt for seneste ændring``), then one column
per question; a Likert question gives one column per statement. Answers are label text
("Meget enig"). Anonymous forms have ``anonymous`` in Email. A respondent is completed
when Completion time is filled in. ID, Email and Name are never read.
"""

from __future__ import annotations

import io
from typing import Any

from hjemmekit.exports.base import (
    Export,
    Source,
    fold,
    is_personal_name,
    open_xlsx,
)
from hjemmekit.exports.labeltext import build_label_export

__all__ = ["COMPLETION", "is_forms", "read_forms"]

START = {fold(n) for n in ("Start time", "Starttidspunkt", "Starttid", "Starttidspunkt")}
COMPLETION = {fold(n) for n in ("Completion time", "Fuldførelsestidspunkt",
                                "Færdiggørelsestidspunkt", "Afslutningstidspunkt",
                                "Tidspunkt for fuldførelse", "Sluttidspunkt")}
SYSTEM = {fold(n) for n in ("Last modified time", "Tidspunkt for seneste ændring",
                            "Seneste ændring", "Senest ændret", "Total points", "Point i alt",
                            "Quiz feedback")}


def is_forms(headers: list[str]) -> bool:
    folded = {fold(h) for h in headers}
    return bool(folded & COMPLETION) and bool(folded & START)


def first_sheet_header(source: Source) -> list[str]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(source.data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - not a workbook: the caller reports it
        return []
    try:
        ws = wb.worksheets[0] if wb.worksheets else None
        if ws is None:
            return []
        row = next(ws.iter_rows(max_row=1, values_only=True), ())
        return ["" if v is None else " ".join(str(v).split()) for v in row]
    finally:
        wb.close()


def read_forms(source: Source) -> Export:
    wb = open_xlsx(source)
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        head = next(rows, ())
        headers = ["" if v is None else " ".join(str(v).split()) for v in head]
        personal = [not h or is_personal_name(h) for h in headers]
        cells: list[list[Any]] = [[] for _ in headers]
        lines = []
        for number, row in enumerate(rows, 2):
            if row is None or all(v is None or (isinstance(v, str) and not v.strip())
                                  for v in row):
                continue
            lines.append(number)
            for i in range(len(headers)):
                if not personal[i]:
                    cells[i].append(row[i] if i < len(row) else None)
    finally:
        wb.close()
    import numpy as np

    completion = next((h for h in headers if fold(h) in COMPLETION), None)
    values: list[Any] = [None if personal[i] else cells[i] for i in range(len(headers))]
    return build_label_export("forms", source.name, headers, values, completion, SYSTEM,
                              lines=np.asarray(lines, dtype=np.int64))
