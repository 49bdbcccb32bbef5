"""SPSS ``.sav`` exports (SurveyXact, Enalyzer, Questback offer them), read with pyreadstat.

Variables are the columns: the variable name is the key, the variable label the
question text, value labels the answer labels (codes as float64). User-defined missing
values are missing answers. Personal variables (e-mail, name, respondent id, IP) are
never read (pyreadstat's ``usecols``); string variables without value labels and with
many different answers are free text and not read either. A SurveyXact ``.sav`` keeps
``statoverall_4`` (or ``stato_4``): a respondent is completed when it is 1; without it
every row counts as completed.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pandas as pd

from hjemmekit.exports.base import (
    Column,
    Export,
    ExportError,
    Source,
    fold,
    is_date_name,
    is_personal_name,
    looks_like_free_text,
    problem,
)
from hjemmekit.exports.surveyxact import _COMPLETED, _STATUS, _SYSTEM
from hjemmekit.exports.text import parse_days

__all__ = ["is_spss", "read_spss"]


def is_spss(source: Source) -> bool:
    return source.head(4) in (b"$FL2", b"$FL3") or source.suffix in (".sav", ".zsav")


def read_spss(source: Source) -> Export:
    import pyreadstat

    try:
        _, meta = pyreadstat.read_sav(io.BytesIO(source.data), metadataonly=True)
        names = list(meta.column_names)
        keep = [n for n in names if not is_personal_name(n, meta.column_names_to_labels.get(n))]
        frame, meta = pyreadstat.read_sav(io.BytesIO(source.data), usecols=keep or None,
                                          dates_as_pandas_datetime=True)
    except Exception as e:  # noqa: BLE001 - a damaged file: one line naming it
        raise ExportError([problem(source.name, None, None, "export_unreadable_sav",
                                   error=" ".join(str(e).split())[:200])]) from None
    if not keep:
        frame = pd.DataFrame(index=pd.RangeIndex(0))
    value_labels: dict[str, dict[Any, str]] = meta.variable_value_labels or {}
    texts: dict[str, str] = {k: v for k, v in (meta.column_names_to_labels or {}).items() if v}
    columns: list[Column] = []
    data: dict[str, Any] = {}
    dropped: list[str] = []
    completed_col = None
    for i, name in enumerate(names):
        text = " ".join(str(texts.get(name, "")).split())
        labels = {float(k): str(v) for k, v in value_labels.get(name, {}).items()
                  if isinstance(k, int | float)} or None
        col = Column(key=name, header=name, kind="closed", variable=name, text=text,
                     labels=labels, position=i, source=source.name)
        if name not in keep:
            col.kind = "personal"
            columns.append(col)
            dropped.append(name)
            continue
        values = frame[name]
        folded = fold(name)
        if _STATUS.match(folded):
            col.kind = "status"
            if _COMPLETED.match(folded) and completed_col is None:
                completed_col = name
            data[name] = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64)
        elif pd.api.types.is_datetime64_any_dtype(values.dtype) or (
                is_date_name(name) and values.dtype == object):
            col.kind = "datetime"
            data[name], _ = parse_days(values)
        elif folded in _SYSTEM:
            col.kind = "system"
            data[name] = values
        elif pd.api.types.is_numeric_dtype(values.dtype):
            col.kind = "closed" if labels else "numeric"
            data[name] = values.to_numpy(dtype=np.float64, na_value=np.nan)
        elif looks_like_free_text(values.where(values != ""), text or name):
            col.kind = "text"
            columns.append(col)
            dropped.append(name)
            continue
        else:
            cat = values.where(values.astype(str).str.strip() != "").astype("category")
            col.answers = [str(x) for x in cat.cat.categories]
            data[name] = cat
        columns.append(col)
    out = pd.DataFrame(data, index=pd.RangeIndex(len(frame)), copy=False)
    if completed_col is not None:
        completed = out[completed_col].to_numpy() == 1
    else:
        completed = np.ones(len(out), dtype=bool)
    return Export("spss", [source.name], columns, out, completed, dropped, source.name)
