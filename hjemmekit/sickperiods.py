"""Sick leave in hours and per quarter (used by :mod:`hjemmekit.io` for ``sickleave``).

- **Hours**: a ``sick_hours`` column (``sygetimer``, ``sygefraværstimer``,
  ``fraværstimer``) instead of ``sick_days`` is read as days at :data:`HOURS_PER_DAY`
  (7.4 hours a day, as the state's sick-leave statistics count a day: 37 hours / 5).
  With both columns, ``sick_days`` is used.
- **Quarters**: a ``month`` may be a quarter: ``2026-Q1``, ``2026Q1``, ``Q1 2026``,
  ``2026K1``, ``2026-K1``, ``K1 2026``, ``1. kvt. 2026``, ``1. kvartal 2026``. A quarter's
  row is spread over its three months, each with the quarter's årsværk (fte: the average
  number of full-time employees in the quarter, as for a month) and a third of its sick
  days. The evaluation's rate, 12 × Σ sick days / Σ fte over unit-months, and the average
  årsværk behind a figure (the privacy rule) are then exactly the quarter's; a baseline or
  trial period that ends inside a quarter takes its months. The evaluation itself is
  unchanged: it sees months.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["HOURS_PER_DAY", "days_from_hours", "quarter_of", "quarter_rows", "spread_quarters"]

HOURS_PER_DAY: float = 7.4
"""Hours in one sick day (the state's statistics: a 37-hour week over five days)."""

_QUARTER = [
    re.compile(r"(\d{4})\s*[-/ ]?\s*[QK]\s*([1-4])", re.IGNORECASE),
    re.compile(r"[QK]\s*([1-4])\s*[-/ ]?\s*(\d{4})", re.IGNORECASE),
    re.compile(r"([1-4])\s*\.?\s*(?:kvt|kvartal|quarter|qtr)\.?\s*,?\s*(\d{4})",
               re.IGNORECASE),
]


def quarter_of(value: Any) -> tuple[int, int] | None:
    """(year, quarter) of a quarter's text, else None: ``2026-Q1`` -> (2026, 1)."""
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    for i, pattern in enumerate(_QUARTER):
        m = pattern.fullmatch(text)
        if m:
            year, q = (m[1], m[2]) if i == 0 else (m[2], m[1])
            return int(year), int(q)
    return None


def quarter_rows(values: pd.Series) -> np.ndarray:
    """Which rows of a month column (as written) hold a quarter."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        uniques = values.cat.categories
    else:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    table = np.array([quarter_of(u) is not None for u in uniques] + [False], dtype=bool)
    return table[codes]


def days_from_hours(out: dict[str, Any], found: dict[str, int]) -> None:
    """Fill ``sick_days`` from ``sick_hours`` when the file gives hours only; the
    ``sick_hours`` column is then dropped from ``out``."""
    hours = out.pop("sick_hours", None)
    if "sick_days" not in found and hours is not None:
        out["sick_days"] = np.asarray(hours, dtype=np.float64) / HOURS_PER_DAY


def spread_quarters(frame: pd.DataFrame, quarters: np.ndarray) -> pd.DataFrame:
    """Each quarter's row (``quarters`` true; its month is the quarter's first month) as
    three rows, one per month, with the same fte and a third of the sick days."""
    if not quarters.any():
        return frame
    idx = np.flatnonzero(quarters)
    months = frame["month"].to_numpy(dtype="datetime64[ns]")[idx].astype("datetime64[M]")
    parts = []
    for k in range(3):
        part = frame.iloc[idx].copy()
        part["month"] = (months + np.timedelta64(k, "M")).astype("datetime64[ns]")
        part["sick_days"] = part["sick_days"].to_numpy(dtype=np.float64) / 3
        part["_order"] = idx + k / 3
        parts.append(part)
    rest = frame.iloc[np.flatnonzero(~quarters)].copy()
    rest["_order"] = np.flatnonzero(~quarters).astype(np.float64)
    out = pd.concat([rest, *parts], ignore_index=True).sort_values("_order", kind="stable")
    out = out.drop(columns="_order").reset_index(drop=True)
    out.attrs.update(frame.attrs)
    return out
