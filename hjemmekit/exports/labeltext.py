"""Exports whose answers are label text (Microsoft Forms, Google Forms): shared building.

Each column is classified from its header and answers: personal (by header), a time
(by header or values), numbers only (numeric), few different answers (closed, their
label texts kept as categories) or free text (many different or long answers: dropped).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from hjemmekit.exports.base import (
    Column,
    Export,
    fold,
    is_date_name,
    is_personal_name,
    looks_like_free_text,
)
from hjemmekit.exports.text import parse_days

__all__ = ["build_label_export"]


def build_label_export(
    tool: str, file: str, headers: list[str], values: list[list[Any] | np.ndarray | None],
    completion: str | None, system: set[str], lines: np.ndarray | None = None,
) -> Export:
    """An :class:`Export` of label-text answers.

    ``values`` holds each column's cells (None for a personal column that was not
    read); ``completion``: the header of the completion time (a respondent is completed
    when it is filled in), None when every row is a completed response; ``system``:
    folded headers of system columns.
    """
    n = next((len(v) for v in values if v is not None), 0)
    columns: list[Column] = []
    data: dict[str, Any] = {}
    dropped: list[str] = []
    completed = np.ones(n, dtype=bool)
    for i, (header, cells) in enumerate(zip(headers, values, strict=True)):
        if not header:
            continue
        col = Column(key=header, header=header, kind="closed", text=header, position=i,
                     source=file)
        if header in data:
            col.key = f"{header} ({i + 1})"
        if cells is None or is_personal_name(header):
            col.kind = "personal"
            columns.append(col)
            dropped.append(header)
            continue
        s = pd.Series(cells, dtype=object, copy=False)
        s = s.where(~s.map(lambda v: isinstance(v, str) and not v.strip()), None)
        if fold(header) in system:
            col.kind = "system"
            data[col.key] = s
        elif is_date_name(header) or (s.notna().any() and s.dropna().map(
                lambda v: isinstance(v, pd.Timestamp | np.datetime64) or hasattr(v, "year"))
                .all()):
            col.kind = "datetime"
            days, _ = parse_days(s)
            data[col.key] = days
            if completion is not None and header == completion:
                completed = s.notna().to_numpy()
        else:
            numbers = pd.to_numeric(s.map(_number_text), errors="coerce")
            filled = s.notna()
            if filled.any() and numbers[filled].notna().all():
                col.kind = "numeric"
                data[col.key] = numbers.to_numpy(dtype=np.float64)
            elif looks_like_free_text(s, header):
                col.kind = "text"
                columns.append(col)
                dropped.append(header)
                continue
            else:
                cat = s.map(lambda v: None if v is None else " ".join(str(v).split())).astype(
                    "category")
                col.answers = [str(x) for x in cat.cat.categories]
                data[col.key] = cat
        columns.append(col)
    frame = pd.DataFrame(data, index=pd.RangeIndex(n), copy=False)
    return Export(tool, [file], columns, frame, completed, dropped, file, lines=lines)


def _number_text(v: Any) -> Any:
    if v is None or isinstance(v, bool):
        return None if v is None else "x"
    if isinstance(v, int | float | np.number):
        return v
    text = str(v).strip().replace(",", ".")
    return text if text else None
