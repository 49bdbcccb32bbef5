"""Trial evaluation: before/during, trial vs comparison group, with privacy.

The method (contract):

* Survey: for each numeric question, over the answer sets in the baseline period
  (Post=0) and the trial period (Post=1), for the trial group (T=1) and the comparison
  group (T=0), the difference-in-differences is the coefficient of T×Post in an OLS of
  the answer on const, T, Post and T×Post, with a 95 % interval from HC1-robust standard
  errors and the normal distribution (what statsmodels gives with ``cov_type="HC1"``).
  The model is saturated (four cells), so it is computed in closed form from per-cell
  sums: the estimate is the DiD of the four cell means and its HC1 variance is
  ``N/(N-4) * sum_c RSS_c / n_c**2``. Rows missing the answer are dropped per question.
* Sick leave: days per årsværk per year = 12 × Σ sick_days / Σ fte over the unit-months
  of a cell; the DiD of the four cells. No confidence interval (the data are totals,
  not a sample of answers).
* Production: per metric the mean value per group and period, its change and the DiD.

Privacy (contract): a survey figure for a unit or subgroup is shown only when every
survey wave (distinct date) behind it has at least k answers from it; a sick-leave
figure only when the average årsværk per month behind it is at least ``min_fte``.
Hidden figures never leave this module: they are ``None`` with ``suppressed=True``,
and so are their counts. Where one part of a shown total is hidden (a unit in its
group, the leaders or employees of a group, a background category), the smallest
shown part is hidden too, so nothing can be worked out by subtraction. A DiD is hidden
when any of its four cells is hidden. Counting answers for the k-rule counts the
answers to the question in hand (a missing answer is not behind the figure). Counts of
wanted home days (0-5) are shown only when at least k (or 0), with the same secondary
rule. Dialogue notes are never output, only theme counts per group and period.

Periods: a survey answer belongs to a period when its date lies within it (both ends
included). Sick-leave months and production periods belong to a period when they lie
between the first day of the month the period starts in and its last day.

Units: a unit listed as trial or comparison brings its descendants (through
``units.parent``) along, unless a descendant is listed itself (the nearest listed
ancestor decides).

Beside this module: the result types and the JSON document are in
:mod:`hjemmekit.evaluation_results`, the text and the ``evaluate`` command in
:mod:`hjemmekit.evaluation_text`. The unit-clustered interval (``did.ci95_cluster``) is
computed in :mod:`hjemmekit.clustered`, the checks (``checks``) in :mod:`hjemmekit.checks`,
the smallest detectable effects (``power``) in :mod:`hjemmekit.power`, all from the same
per-unit sums (``Evaluation.sums``); :mod:`hjemmekit.findings` puts them in words.
"""

from __future__ import annotations

import calendar
import importlib
import math
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal, Protocol

import numpy as np
import pandas as pd

from hjemmekit.codes import factorize
from hjemmekit.evaluation_results import (
    GROUPS,
    PERIODS,
    ROLES,
    SICKLEAVE,
    Cell,
    DiD,
    Evaluation,
    GoalCheck,
    HomeDaysCount,
    Periods,
    ProductionResult,
    QuestionResult,
    RoleResult,
    SickGroup,
    SickLeaveResult,
    ThemeCount,
    TrendPoint,
    UnitFigure,
    Warning_,
    WishFigure,
)

if TYPE_CHECKING:
    from hjemmekit.model import Workbook

Z95 = 1.959963984540054
"""``scipy.stats.norm.ppf(0.975)``, the quantile statsmodels uses for a robust 95 % CI."""

_GROUP_ALIASES = {
    "trial": "trial",
    "forsøg": "trial",
    "forsog": "trial",
    "comparison": "comparison",
    "sammenligning": "comparison",
}
_ROLE_ALIASES = {"employee": 0, "medarbejder": 0, "manager": 1, "leder": 1}
_KNOWN_SURVEY_COLUMNS = {"date", "unit", "role", "home_days_wanted", "home_days_actual"}
_BANDS: dict[str, list[float]] = {
    "seniority_years": [0, 2, 5, 10, 20],
    "commute_minutes": [0, 15, 30, 60],
    "age": [0, 30, 40, 50, 60],
}


class DesignError(ValueError):
    """A trial design that cannot be used; the message says what is missing or wrong."""


class DataSetLike(Protocol):
    """What ``evaluate`` reads from ``hjemmekit.io.DataSet`` (any of these may be None)."""

    units: pd.DataFrame | None
    survey: pd.DataFrame | None
    sickleave: pd.DataFrame | None
    production: pd.DataFrame | None
    dialogue: pd.DataFrame | None


# --- Design ---------------------------------------------------------------------------


def _to_date(value: Any, *, end: bool = False) -> date:
    """A date from a date, datetime, Timestamp or text (a YYYY-MM ``end`` is the last day)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return _parse_point(value, end=end)
    return pd.Timestamp(value).date()


def _parse_point(text: str, *, end: bool) -> date:
    """``2026-03`` (first or last day of the month), ``2026-03-31``, ``31-03-2026``."""
    s = text.strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", s)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
        if not 1 <= mo <= 12:
            raise DesignError(f"{text!r} is not a month (YYYY-MM)")
        return date(y, mo, calendar.monthrange(y, mo)[1] if end else 1)
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", s) or None
    parts: tuple[int, int, int] | None = None
    if m:
        parts = (int(m.group(1)), int(m.group(2)), int(m.group(3)))
    else:
        m = re.fullmatch(r"(\d{1,2})[.-](\d{1,2})[.-](\d{4})", s)
        if m:
            parts = (int(m.group(3)), int(m.group(2)), int(m.group(1)))
    if parts is None:
        raise DesignError(f"{text!r} is not a date (YYYY-MM or YYYY-MM-DD)")
    try:
        return date(*parts)
    except ValueError:
        raise DesignError(f"{text!r} is not a valid date") from None


def parse_period(text: str) -> tuple[date, date]:
    """``"FROM:TO"`` with YYYY-MM or ISO dates; a YYYY-MM end means the month's last day."""
    parts = text.split(":")
    if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
        raise DesignError(f"{text!r} is not a period FROM:TO (e.g. 2026-01:2026-03)")
    start, end = _parse_point(parts[0], end=False), _parse_point(parts[1], end=True)
    if start > end:
        raise DesignError(f"{text!r}: the period ends before it starts")
    return start, end


@dataclass
class Design:
    """When the baseline and trial periods are, which units are in which group."""

    baseline: tuple[date, date]
    trial: tuple[date, date]
    trial_units: list[str]
    comparison_units: list[str]
    min_answers: int = 5
    min_fte: float = 10.0

    def __post_init__(self) -> None:
        self.baseline = (_to_date(self.baseline[0]), _to_date(self.baseline[1], end=True))
        self.trial = (_to_date(self.trial[0]), _to_date(self.trial[1], end=True))
        self.trial_units = [str(u) for u in self.trial_units]
        self.comparison_units = [str(u) for u in self.comparison_units]
        for name, (a, b) in (("baseline", self.baseline), ("trial", self.trial)):
            if a > b:
                raise DesignError(f"the {name} period ends before it starts")
        if self.baseline[0] <= self.trial[1] and self.trial[0] <= self.baseline[1]:
            raise DesignError("the baseline and trial periods overlap")
        both = sorted(set(self.trial_units) & set(self.comparison_units))
        if both:
            raise DesignError(f"unit(s) in both the trial and comparison group: {', '.join(both)}")
        if self.min_answers < 1:
            raise DesignError("min_answers must be at least 1")
        if not self.min_fte > 0:
            raise DesignError("min_fte must be positive")

    def to_dict(self) -> dict[str, Any]:
        return {
            "baseline": [self.baseline[0].isoformat(), self.baseline[1].isoformat()],
            "trial": [self.trial[0].isoformat(), self.trial[1].isoformat()],
            "trial_units": list(self.trial_units),
            "comparison_units": list(self.comparison_units),
            "min_answers": self.min_answers,
            "min_fte": self.min_fte,
        }

    @classmethod
    def from_units(
        cls,
        units: pd.DataFrame | None,
        baseline: str | tuple[date, date],
        trial: str | tuple[date, date],
        min_answers: int = 5,
        min_fte: float = 10.0,
    ) -> Design:
        """From the units' ``group`` column and two periods (``"FROM:TO"`` or date pairs)."""
        trial_units, comparison_units = _groups_from_units(units)
        b = parse_period(baseline) if isinstance(baseline, str) else baseline
        t = parse_period(trial) if isinstance(trial, str) else trial
        return cls(b, t, trial_units, comparison_units, min_answers, min_fte)

    @classmethod
    def from_workbook(
        cls,
        wb: Workbook,
        units: pd.DataFrame | None = None,
        baseline: str | None = None,
        trial: str | None = None,
    ) -> Design:
        """From step 5 of a workbook; ``baseline``/``trial`` strings override its dates and
        the units' ``group`` column fills in units the workbook does not list."""
        tr = wb.trial
        if baseline:
            b = parse_period(baseline)
        elif tr.baseline_start and tr.baseline_end:
            b = (tr.baseline_start, tr.baseline_end)
        else:
            raise DesignError("the workbook has no baseline period (baseline_start/end)")
        if trial:
            t = parse_period(trial)
        elif tr.start and tr.end:
            t = (tr.start, tr.end)
        else:
            raise DesignError("the workbook has no trial period (start/end)")
        from_units = _groups_from_units(units)
        trial_units = list(tr.trial_units) or from_units[0]
        comparison_units = list(tr.comparison_units) or from_units[1]
        return cls(
            b, t, trial_units, comparison_units, tr.privacy.min_answers, tr.privacy.min_fte
        )


def _groups_from_units(units: pd.DataFrame | None) -> tuple[list[str], list[str]]:
    if units is None or "group" not in units or "unit" not in units:
        return [], []
    groups = units["group"].map(lambda g: _GROUP_ALIASES.get(str(g).strip().casefold()))
    names = units["unit"].astype(str)
    return (
        list(dict.fromkeys(names[groups == "trial"])),
        list(dict.fromkeys(names[groups == "comparison"])),
    )


def unit_groups(design: Design, units: pd.DataFrame | None = None) -> dict[str, str]:
    """Every unit in the trial or comparison group, listed or below a listed parent."""
    listed = {u: "trial" for u in design.trial_units}
    listed.update({u: "comparison" for u in design.comparison_units})
    out = dict(listed)
    if units is None or "unit" not in units or "parent" not in units:
        return out
    parent: dict[str, str] = {}
    for u, p in zip(units["unit"], units["parent"], strict=True):
        if isinstance(p, str) and p.strip() and isinstance(u, str):
            parent[u] = p
    for u in units["unit"]:
        if not isinstance(u, str) or u in out:
            continue
        seen = {u}
        p = parent.get(u)
        while p is not None and p not in seen:
            if p in listed:
                out[u] = listed[p]
                break
            seen.add(p)
            p = parent.get(p)
    return out


# --- Helpers --------------------------------------------------------------------------


def _day_bounds(period: tuple[date, date]) -> tuple[np.datetime64, np.datetime64]:
    """[start, end + 1 day) as datetime64[ns]."""
    return (
        np.datetime64(period[0], "ns"),
        np.datetime64(period[1] + timedelta(days=1), "ns"),
    )


def _as_datetime(s: pd.Series) -> np.ndarray:
    """A datetime64[ns] array (NaT for what is not a date)."""
    if not pd.api.types.is_datetime64_any_dtype(s):
        s = pd.to_datetime(s, errors="coerce")
    elif getattr(s.dt, "tz", None) is not None:
        s = s.dt.tz_localize(None)
    return s.to_numpy(dtype="datetime64[ns]")


def _period_codes(
    when: np.ndarray, design: Design, *, monthly: bool = False
) -> np.ndarray:
    """0 baseline, 1 during, -1 neither (NaT is neither)."""
    out = np.full(len(when), -1, dtype=np.int8)
    for code, period in ((0, design.baseline), (1, design.trial)):
        start, stop = _day_bounds(period)
        if monthly:
            start = np.datetime64(period[0].replace(day=1), "ns")
        out[(when >= start) & (when < stop)] = code
    return out


def _float(s: pd.Series) -> np.ndarray:
    if not pd.api.types.is_numeric_dtype(s):
        s = pd.to_numeric(s, errors="coerce")
    return s.to_numpy(dtype=float, na_value=np.nan)


def _group_codes(
    units: pd.Series, groups: dict[str, str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit codes (-1 missing), per-row group codes (1 trial, 0 comparison, -1 none) and
    the unit names behind the codes."""
    codes, uniques = factorize(units)
    names = np.array([str(u) for u in uniques], dtype=object)
    lookup = np.array(
        [{"trial": 1, "comparison": 0}.get(groups.get(u, ""), -1) for u in names] + [-1],
        dtype=np.int8,
    )
    return codes, lookup[codes], names  # codes == -1 picks the trailing -1


def _secondary(
    parts: pd.DataFrame, partition: list[str], part: str, names: np.ndarray | None = None
) -> pd.Series:
    """Hidden flags after secondary suppression.

    ``parts`` has columns ``partition + [part, "n", "hidden"]`` and optionally
    ``"total_shown"`` (missing: the total counts as shown). Within a partition whose total
    is shown, when exactly one part with data is hidden, the shown part with the fewest
    ``n`` (ties by name) is hidden as well, so neither can be worked out by subtraction.
    With ``names``, ``part`` holds positions in it (the names are ``names[part]``).
    """
    hidden = parts["hidden"].to_numpy(dtype=bool).copy()
    if parts.empty:
        return pd.Series(hidden, index=parts.index)
    n = parts["n"].to_numpy(dtype=float)
    with_data = np.nan_to_num(n) > 0
    key = parts.groupby(partition, sort=False, dropna=False).ngroup().to_numpy()
    lone = np.bincount(key, weights=hidden & with_data)[key] == 1
    if "total_shown" in parts:
        lone &= parts["total_shown"].to_numpy(dtype=bool)
    cand_mask = lone & ~hidden & with_data
    if cand_mask.any():
        cand = pd.DataFrame({
            "key": key[cand_mask],
            "n": n[cand_mask],
            "name": (parts[part].astype(str).to_numpy() if names is None else
                     names[parts[part].to_numpy(dtype=np.int64)])[cand_mask],
            "pos": np.flatnonzero(cand_mask),
        })
        first = cand.sort_values(["key", "n", "name"], kind="stable").drop_duplicates("key")
        hidden[first["pos"].to_numpy()] = True
    return pd.Series(hidden, index=parts.index)


# --- Survey ---------------------------------------------------------------------------


@dataclass
class _Fine:
    """Survey answers summed per (unit, wave, role): counts, shifted sums and squares.

    ``table["unit"]`` is a code: the position of the unit's name in ``unit_names``
    (sorted), so grouping and sorting by it is by name without comparing text."""

    table: pd.DataFrame
    questions: list[str]
    shifts: dict[str, float]
    unit_names: np.ndarray


@dataclass
class _Rows:
    """Per survey row: day, unit code, group (1/0/-1), period (0, 1, 2 between, -1
    outside) and role (0 employee, 1 manager, 2 other); computed once."""

    when: np.ndarray
    unit_code: np.ndarray
    unit_names: np.ndarray
    group: np.ndarray
    period: np.ndarray
    role: np.ndarray


def _survey_rows(survey: pd.DataFrame, groups: dict[str, str], design: Design) -> _Rows:
    when = _as_datetime(survey["date"]).astype("datetime64[D]")
    unit_code, group, unit_names = _group_codes(survey["unit"], groups)
    period = _period_codes(when.astype("datetime64[ns]"), design)
    start = np.datetime64(min(design.baseline[0], design.trial[0]), "D")
    stop = np.datetime64(max(design.baseline[1], design.trial[1]), "D")
    period[(period < 0) & (when >= start) & (when <= stop)] = 2
    if "role" in survey:
        role_codes, role_uniques = factorize(survey["role"])
        lookup = np.array(
            [_ROLE_ALIASES.get(str(r).strip().casefold(), 2) for r in role_uniques] + [2],
            dtype=np.int64,
        )
        role = lookup[role_codes]
    else:
        role = np.full(len(survey), 2, dtype=np.int64)
    return _Rows(when, unit_code, unit_names, group, period, role)


def _compact(codes: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Dense codes 0..m-1 for the values present in ``codes`` (< size), and those values."""
    if size <= 4 * len(codes) + 1_000_000:
        present = np.bincount(codes, minlength=size) > 0
        remap = np.cumsum(present) - 1
        return remap[codes], np.flatnonzero(present)
    dense, keys = pd.factorize(codes, sort=True)
    return dense, np.asarray(keys, dtype=np.int64)


def _day_codes(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize(days, sort=True)`` for datetime64[D] days: by counting when they
    lie within a few years, without hashing."""
    if len(days):
        as_int = days.view(np.int64)
        lo, hi = int(as_int.min()), int(as_int.max())
        if not np.isnat(days).any() and hi - lo < 100_000:
            codes, present = _compact(as_int - lo, hi - lo + 1)
            return codes, (present + lo).astype("datetime64[D]")
    codes, uniques = pd.factorize(days, sort=True)
    return codes, np.asarray(uniques, dtype="datetime64[D]")


def _fine_table(
    survey: pd.DataFrame, questions: list[str], groups: dict[str, str], rows: _Rows,
    design: Design,
) -> _Fine | None:
    keep = (rows.group >= 0) & (rows.period >= 0)
    if not keep.any():
        return None
    idx = np.flatnonzero(keep)
    wave_code, wave_dates = _day_codes(rows.when[idx])
    wave_period = _period_codes(wave_dates.astype("datetime64[ns]"), design)
    wave_period[wave_period < 0] = 2  # between the periods: the trend only
    n_waves = len(wave_dates)
    unit_names = rows.unit_names
    combined = (rows.unit_code[idx].astype(np.int64) * n_waves + wave_code) * 3 + rows.role[idx]
    fine_code, fine_keys = _compact(combined, len(unit_names) * n_waves * 3)
    m = len(fine_keys)
    wave = (fine_keys // 3) % n_waves
    unit_of = fine_keys // (3 * n_waves)
    sorted_names, name_code = np.unique(unit_names, return_inverse=True)  # names are str
    cols: dict[str, Any] = {
        "unit": name_code.reshape(-1)[unit_of],
        "group": np.array([1 if groups.get(u) == "trial" else 0 for u in unit_names],
                          dtype=np.int8)[unit_of],
        "wave": wave,
        "role": fine_keys % 3,
        "period": wave_period[wave],
        "month": wave_dates.astype("datetime64[M]")[wave],
    }
    def sums(column: np.ndarray) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
        y = column[idx]
        valid = ~np.isnan(y)
        shift = float(y[valid].mean()) if valid.any() else 0.0
        d = np.where(valid, y - shift, 0.0)
        return (shift, np.bincount(fine_code, weights=valid, minlength=m),
                np.bincount(fine_code, weights=d, minlength=m),
                np.bincount(fine_code, weights=d * d, minlength=m))

    results = _map(sums, [_float(survey[q]) for q in questions], len(idx))
    shifts: dict[str, float] = {}
    for i, (q, (shift, n, s, ss)) in enumerate(zip(questions, results, strict=True)):
        shifts[q] = shift
        cols[f"n{i}"] = n
        cols[f"s{i}"] = s
        cols[f"ss{i}"] = ss
    return _Fine(pd.DataFrame(cols), list(questions), shifts, sorted_names)


def _map(fn: Callable[[Any], Any], items: list[Any], rows: int) -> list[Any]:
    """``[fn(x) for x in items]``, on two threads when there are several items over
    many rows and two CPUs: numpy lets go of the GIL in the work they do here, and the
    results are the same either way."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if len(items) < 2 or rows < 200_000 or (cpus or 1) < 2:
        return [fn(x) for x in items]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(fn, items))


def _cells(fine: _Fine, by: list[str], k: int, mask: np.ndarray | None = None) -> pd.DataFrame:
    """Per cell of ``by`` and question: n, mean, rss and ``ok`` (the k-rule per wave)."""
    t = fine.table if mask is None else fine.table[mask]
    qs = fine.questions
    ncols = [f"n{i}" for i in range(len(qs))]
    if t.empty or not qs:
        return pd.DataFrame(columns=[*by, "question", "n", "mean", "rss", "ok", "qi"])
    grouped = t.groupby(by, sort=True)
    sums = grouped[[c for i in range(len(qs)) for c in (f"n{i}", f"s{i}", f"ss{i}")]].sum()
    low = _lowest_wave(t, grouped, ncols, len(sums))
    frames = []
    for i, q in enumerate(qs):
        n = sums[f"n{i}"].to_numpy()
        s = sums[f"s{i}"].to_numpy()
        ss = sums[f"ss{i}"].to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(n > 0, fine.shifts[q] + s / n, np.nan)
            rss = np.where(n > 0, np.maximum(ss - s * s / n, 0.0), np.nan)
        lo = low[f"n{i}"].to_numpy(dtype=float)
        ok = np.isnan(lo) | (lo >= k)
        frame = sums.index.to_frame(index=False)
        frame["question"] = q
        frame["n"] = n
        frame["mean"] = mean
        frame["rss"] = rss
        frame["ok"] = ok
        frame["qi"] = i
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _lowest_wave(t: pd.DataFrame, grouped: Any, ncols: list[str], size: int) -> pd.DataFrame:
    """Per group of ``grouped`` (in its order) and count column: the smallest count in a
    wave with answers (NaN when none). The counts are whole numbers (sums of answers
    given), so summing them with ``bincount`` gives exactly what the group sums give."""
    gid = grouped.ngroup().to_numpy().astype(np.int64)
    wave = t["wave"].to_numpy()  # codes from 0, as the group ids
    n_waves = int(wave.max()) + 1
    key = gid * n_waves + wave
    out = {}
    for c in ncols:
        n = t[c].to_numpy(dtype=float)
        per_wave = np.bincount(key, weights=n, minlength=size * n_waves)
        per_wave = per_wave.reshape(size, n_waves)
        per_wave[per_wave <= 0] = np.inf
        lo = per_wave.min(axis=1)
        lo[np.isinf(lo)] = np.nan
        out[c] = lo
    return pd.DataFrame(out)


def _did(cells: dict[tuple[int, int], tuple[float, float, float, bool]]) -> DiD:
    """HC1 DiD from cells ``(T, Post) -> (n, mean, rss, hidden)``."""
    if len(cells) < 4 or any(c[0] <= 0 for c in cells.values()):
        return DiD(None)
    if any(c[3] for c in cells.values()):
        return DiD(None, suppressed=True)
    m = {key: c[1] for key, c in cells.items()}
    est = (m[1, 1] - m[1, 0]) - (m[0, 1] - m[0, 0])
    n_total = sum(c[0] for c in cells.values())
    if n_total <= 4:
        return DiD(float(est))
    var = n_total / (n_total - 4) * sum(c[2] / c[0] ** 2 for c in cells.values())
    se = math.sqrt(var)
    return DiD(float(est), (float(est - Z95 * se), float(est + Z95 * se)), se)


def _cell(n: float, mean: float, hidden: bool) -> Cell:
    if hidden:
        return Cell(None, None, True)
    if n <= 0:
        return Cell.empty()
    return Cell(float(mean), int(round(n)), False)


def _with_totals(parts: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    """``parts`` with ``hidden`` (k-rule) and ``total_shown`` from the group cells."""
    keys = ["question", "group", "period"]
    t = totals[keys].assign(total_shown=totals["ok"].astype(bool) & (totals["n"] > 0))
    out = parts.merge(t, on=keys, how="left")
    out["total_shown"] = out["total_shown"].fillna(False).astype(bool)
    out["hidden"] = ~out["ok"].astype(bool)
    return out


def _survey(
    fine: _Fine, design: Design
) -> tuple[list[QuestionResult], list[RoleResult], list[UnitFigure], list[TrendPoint]]:
    k = design.min_answers
    in_period = fine.table["period"].to_numpy() < 2
    g = _cells(fine, ["group", "period"], k, in_period)
    gkey = {
        (r.question, r.group, r.period): (r.n, r.mean, r.rss, not r.ok)
        for r in g.itertuples(index=False)
    }

    def periods(q: str, grp: int, lookup: dict[tuple, tuple]) -> Periods:
        out = []
        for p in (0, 1):
            n, mean, _, hidden = lookup.get((q, grp, p), (0.0, np.nan, np.nan, False))
            out.append(_cell(n, mean, hidden))
        return Periods(*out)

    def did(q: str, lookup: dict[tuple, tuple]) -> DiD:
        cells = {(grp, p): lookup[(q, grp, p)] for grp in (0, 1) for p in (0, 1)
                 if (q, grp, p) in lookup}
        return _did(cells)

    survey = [
        QuestionResult(q, periods(q, 1, gkey), periods(q, 0, gkey), did(q, gkey))
        for q in fine.questions
    ]

    # Leaders vs employees: cells per role, secondary suppression within the group total.
    r = _cells(fine, ["group", "period", "role"], k, in_period & (fine.table["role"] < 2))
    by_role: list[RoleResult] = []
    if not r.empty:
        r = _with_totals(r, g)
        r["hidden"] = _secondary(r, ["question", "group", "period"], "role")
        rkey: dict[int, dict[tuple, tuple]] = {0: {}, 1: {}}
        for row in r.itertuples(index=False):
            rkey[int(row.role)][(row.question, row.group, row.period)] = (
                row.n, row.mean, row.rss, bool(row.hidden))
        for q in fine.questions:
            for role in (0, 1):
                lk = rkey[role]
                if not any(key[0] == q for key in lk):
                    continue
                by_role.append(RoleResult(
                    q, periods(q, 1, lk), periods(q, 0, lk), did(q, lk), role=ROLES[role]))

    # Per unit, secondary suppression within the group total.
    u = _cells(fine, ["group", "unit", "period"], k, in_period)
    units: list[UnitFigure] = []
    if not u.empty:
        u = _with_totals(u, g)
        u["hidden"] = _secondary(u, ["question", "group", "period"], "unit",
                                 names=fine.unit_names)
        u = u[u["n"] > 0].assign(_q=u["qi"])  # the question's position in fine.questions
        u = u.sort_values(["_q", "unit", "period"], kind="stable")  # unit: by name
        # What _cell does, a column at a time (n > 0 here): ~100,000 rows for the state.
        hidden = u["hidden"].to_numpy(dtype=bool)
        counts = np.rint(u["n"].to_numpy(dtype=float)).astype(np.int64).tolist()
        means = u["mean"].to_numpy(dtype=float).tolist()
        group_names = np.array(GROUPS[::-1], dtype=object)[u["group"].to_numpy(dtype=np.int64)]
        period_names = np.array(PERIODS, dtype=object)[u["period"].to_numpy(dtype=np.int64)]
        shown_n = np.array(counts, dtype=object)  # the same int and float objects
        shown_n[hidden] = None
        shown_mean = np.array(means, dtype=object)
        shown_mean[hidden] = None
        units = list(map(
            UnitFigure,
            fine.unit_names[u["unit"].to_numpy(dtype=np.int64)].tolist(),
            group_names.tolist(),
            u["question"].to_numpy(dtype=object).tolist(), period_names.tolist(),
            shown_n.tolist(), shown_mean.tolist(), hidden.tolist(),
        ))

    # Monthly trend per group (a month is hidden when any wave in it fails the k-rule).
    tr = _cells(fine, ["group", "month"], k)
    trend: list[TrendPoint] = []
    for row in tr.itertuples(index=False):
        if row.n <= 0:
            continue
        c = _cell(row.n, row.mean, not bool(row.ok))
        month = pd.Timestamp(row.month).date()
        trend.append(TrendPoint(row.question, GROUPS[1 - int(row.group)], month, c.value, c.n,
                                c.suppressed))
    return survey, by_role, units, trend


def _background_bands(name: str, values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Readable bands for a numeric background column: codes (-1 missing) and labels
    like ``"5-10"``, ``"20+"``."""
    x = _float(values)
    edges = _BANDS.get(name)
    if edges is None:
        finite = x[~np.isnan(x)]
        if finite.size == 0:
            return np.full(len(x), -1), []
        qs = np.quantile(finite, [0, 0.25, 0.5, 0.75])
        edges = sorted({float(_nice(v)) for v in qs})
    labels = []
    for i, lo in enumerate(edges):
        hi = edges[i + 1] if i + 1 < len(edges) else None
        labels.append(f"{_fmt_edge(lo)}+" if hi is None else f"{_fmt_edge(lo)}-{_fmt_edge(hi)}")
    pos = np.searchsorted(np.asarray(edges, dtype=float), x, side="right") - 1
    return np.where(np.isnan(x), -1, np.maximum(pos, 0)), labels


def _categories(name: str, values: pd.Series, idx: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Category codes (-1 missing) of the rows ``idx`` and the labels, in reading order."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return _background_bands(name, pd.Series(_float(values)[idx]))
    codes, uniques = factorize(values, sort=True)
    return codes[idx], [str(u) for u in uniques]


def _nice(v: float) -> float:
    if v == 0:
        return 0.0
    mag = 10 ** math.floor(math.log10(abs(v)))
    return math.floor(v / mag) * mag


def _fmt_edge(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _wishes(
    survey: pd.DataFrame, background: list[str], rows: _Rows, k: int
) -> list[WishFigure]:
    """Mean wanted home days per category of each background column (and role)."""
    if "home_days_wanted" not in survey:
        return []
    y = _float(survey["home_days_wanted"])
    sel = (rows.group >= 0) & (rows.period >= 0) & (rows.period < 2) & ~np.isnan(y)
    if not sel.any():
        return []
    idx = np.flatnonzero(sel)
    wave, _ = _day_codes(rows.when[idx])  # only told apart, so sorted is as good
    n_waves = int(wave.max()) + 1
    y = y[idx]
    out: list[WishFigure] = []
    cols = (["role"] if "role" in survey else []) + [b for b in background if b in survey]
    found: dict[str, tuple[np.ndarray, list[str]]] = {}
    if "role" in cols:
        found["role"] = (np.where(rows.role[idx] < 2, rows.role[idx], -1), list(ROLES))
    others = [col for col in cols if col != "role"]
    found.update(zip(others, _map(lambda col: _categories(col, survey[col], idx), others,
                                  len(idx)), strict=True))
    for col in cols:
        codes, labels = found[col]
        slot = codes + 1  # 0 = not stated
        n_slots = len(labels) + 1
        per_wave = np.bincount(slot * n_waves + wave, minlength=n_slots * n_waves)
        per_wave = per_wave.reshape(n_slots, n_waves).astype(float)
        per_wave[per_wave == 0] = np.inf
        ok = per_wave.min(axis=1) >= k
        n = np.bincount(slot, minlength=n_slots).astype(float)
        total = np.bincount(slot, weights=y, minlength=n_slots)
        order = [i for i in range(1, n_slots) if n[i] > 0] + ([0] if n[0] > 0 else [])
        parts = pd.DataFrame({
            "bg": col, "cat": order, "n": n[order],
            "mean": total[order] / n[order], "hidden": ~ok[order],
        })
        parts["hidden"] = _secondary(parts, ["bg"], "cat")
        for row in parts.itertuples(index=False):
            c = _cell(row.n, row.mean, bool(row.hidden))
            name = labels[int(row.cat) - 1] if row.cat > 0 else None
            out.append(WishFigure(col, name, c.n, c.value, c.suppressed))
    return out


def _home_days(survey: pd.DataFrame, rows: _Rows, k: int) -> list[HomeDaysCount]:
    """Answer sets per wanted number of home days (0-5), per group and period."""
    if "home_days_wanted" not in survey:
        return []
    wanted = _float(survey["home_days_wanted"])
    sel = (rows.group >= 0) & (rows.period >= 0) & (rows.period < 2) & ~np.isnan(wanted)
    if not sel.any():
        return []
    days = np.clip(np.rint(wanted[sel]), 0, 5).astype(np.int64)
    key = (rows.group[sel].astype(np.int64) * 2 + rows.period[sel].astype(np.int64)) * 6 + days
    per_cell = np.bincount(key, minlength=24).reshape(2, 2, 6)[[1, 0]]  # trial first
    full = pd.MultiIndex.from_product([[1, 0], [0, 1], range(6)], names=["g", "p", "d"])
    counts = pd.Series(per_cell.reshape(-1).astype(np.int64), index=full).reset_index(name="n")
    counts = counts[counts.groupby(["g", "p"])["n"].transform("sum") > 0]
    counts["hidden"] = (counts["n"] > 0) & (counts["n"] < k)
    counts["hidden"] = _secondary(counts, ["g", "p"], "d")
    return [
        HomeDaysCount(GROUPS[1 - int(r.g)], PERIODS[int(r.p)], int(r.d),
                      None if r.hidden else int(r.n), bool(r.hidden))
        for r in counts.itertuples(index=False)
    ]


# --- Sick leave, production, dialogue -------------------------------------------------


def _sickleave(
    sick: pd.DataFrame, groups: dict[str, str], design: Design
) -> tuple[SickLeaveResult, list[UnitFigure]]:
    month = _as_datetime(sick["month"]).astype("datetime64[M]")
    period = _period_codes(month.astype("datetime64[ns]"), design, monthly=True)
    codes, group, names = _group_codes(sick["unit"], groups)
    # Units as their rank by name, so grouping and sorting by them is by name.
    unit_names, rank = np.unique(names, return_inverse=True)  # names are str
    f = pd.DataFrame({
        "unit": np.append(rank.reshape(-1), -1)[codes], "group": group, "period": period,
        "month": month, "fte": _float(sick["fte"]), "sick": _float(sick["sick_days"]),
    })
    f = f[(f["group"] >= 0) & (f["period"] >= 0) & f["fte"].notna() & f["sick"].notna()]
    min_fte = design.min_fte

    def cells(by: list[str]) -> pd.DataFrame:
        per_month = f.groupby([*by, "month"], sort=False)[["fte", "sick"]].sum()
        c = per_month.groupby(level=list(range(len(by))), sort=True).agg(
            fte=("fte", "mean"), fte_sum=("fte", "sum"), sick=("sick", "sum"))
        c["rate"] = np.where(c["fte_sum"] > 0, 12 * c["sick"] / c["fte_sum"].where(
            c["fte_sum"] > 0), np.nan)
        c["hidden"] = ~(c["fte"] >= min_fte)
        return c.reset_index()

    g = cells(["group", "period"])
    gk = {(int(r.group), int(r.period)): r for r in g.itertuples(index=False)}

    def sick_cell(r: Any) -> Cell:
        if r is None or not r.fte_sum > 0:
            return Cell.empty()
        if r.hidden:
            return Cell(None, None, True)
        return Cell(float(r.rate), float(r.fte), False)

    def grp(code: int) -> SickGroup:
        return SickGroup(sick_cell(gk.get((code, 0))), sick_cell(gk.get((code, 1))))

    trial, comp = grp(1), grp(0)
    cs = [trial.baseline, trial.during, comp.baseline, comp.during]
    if any(c.suppressed for c in cs):
        did = DiD(None, suppressed=True)
    elif any(c.value is None for c in cs):
        did = DiD(None)
    else:
        did = DiD((trial.during.value - trial.baseline.value)  # type: ignore[operator]
                  - (comp.during.value - comp.baseline.value))  # type: ignore[operator]
    result = SickLeaveResult(trial, comp, did)

    u = cells(["group", "unit", "period"])
    units: list[UnitFigure] = []
    if not u.empty:
        u["n"] = u["fte"]
        shown = np.zeros((2, 2), dtype=bool)  # [group, period]: the group total is shown
        for (a, b), r in gk.items():
            shown[a, b] = not r.hidden and r.fte_sum > 0
        u["total_shown"] = shown[u["group"].to_numpy(dtype=np.int64),
                                 u["period"].to_numpy(dtype=np.int64)]
        u["hidden"] = _secondary(u, ["group", "period"], "unit", names=unit_names)
        u = u.sort_values(["unit", "period"], kind="stable")  # unit: by name
        # What sick_cell does, a column at a time.
        has = (u["fte_sum"].to_numpy(dtype=float) > 0).tolist()
        hidden = u["hidden"].to_numpy(dtype=bool).tolist()
        group_names = np.array(GROUPS[::-1], dtype=object)[u["group"].to_numpy(dtype=np.int64)]
        period_names = np.array(PERIODS, dtype=object)[u["period"].to_numpy(dtype=np.int64)]
        units = [
            UnitFigure(unit, grp, SICKLEAVE, per,
                       (fte if not hid else None) if ok else 0,
                       rate if ok and not hid else None, ok and hid)
            for unit, grp, per, ok, hid, fte, rate in zip(
                unit_names[u["unit"].to_numpy(dtype=np.int64)].tolist(), group_names.tolist(),
                period_names.tolist(), has, hidden, u["fte"].to_numpy(dtype=float).tolist(),
                u["rate"].to_numpy(dtype=float).tolist(), strict=True)
        ]
    return result, units


def _production(
    prod: pd.DataFrame, groups: dict[str, str], design: Design
) -> list[ProductionResult]:
    when = _as_datetime(prod["period"])
    period = _period_codes(when, design, monthly=True)
    _, group, _ = _group_codes(prod["unit"], groups)
    f = pd.DataFrame({"metric": prod["metric"].astype(str).to_numpy(), "group": group,
                      "period": period, "value": _float(prod["value"])})
    f = f[(f["group"] >= 0) & (f["period"] >= 0) & f["value"].notna()]
    agg = f.groupby(["metric", "group", "period"])["value"].agg(["size", "mean"])
    out = []
    for metric in sorted(f["metric"].unique()):
        def periods(g: int, metric: str = metric) -> Periods:
            cells = []
            for p in (0, 1):
                key = (metric, g, p)
                if key in agg.index:
                    row = agg.loc[key]
                    cells.append(Cell(float(row["mean"]), int(row["size"])))
                else:
                    cells.append(Cell.empty())
            return Periods(*cells)

        t, c = periods(1), periods(0)
        vals = [t.baseline.value, t.during.value, c.baseline.value, c.during.value]
        est = None
        if all(v is not None for v in vals):
            est = (vals[1] - vals[0]) - (vals[3] - vals[2])  # type: ignore[operator]
        out.append(ProductionResult(metric, t, c, DiD(est)))
    return out


def _dialogue(dlg: pd.DataFrame, groups: dict[str, str], design: Design) -> list[ThemeCount]:
    period = _period_codes(_as_datetime(dlg["date"]), design)
    _, group, _ = _group_codes(dlg["unit"], groups)
    theme = dlg["theme"].astype(str).str.strip().to_numpy()  # evaluate: only with a theme
    f = pd.DataFrame({"group": group, "period": period, "theme": theme})
    f = f[(f["group"] >= 0) & (f["period"] >= 0) & (f["theme"] != "") & (f["theme"] != "nan")]
    counts = f.groupby(["group", "period", "theme"]).size()
    return [
        ThemeCount(GROUPS[1 - int(g)], PERIODS[int(p)], str(th), int(n))
        for (g, p, th), n in sorted(counts.items(), key=lambda kv: (-kv[0][0], kv[0][1],
                                                                      kv[0][2]))
    ]


# --- Goals ----------------------------------------------------------------------------


def _goals(ev: Evaluation, workbook: Workbook) -> list[GoalCheck]:
    out = []
    for g in workbook.goals.goals:
        if g.indicator_kind not in ("survey", "sickleave", "production"):
            continue
        estimate: float | None = None
        ci: tuple[float, float] | None = None
        measure = "did"
        reason: str | None = None
        name = g.indicator.strip()
        if g.indicator_kind == "survey":
            q = ev.question(name) or next(
                (x for x in ev.survey if x.question.casefold() == name.casefold()), None)
            if q is None:
                reason = "unknown_indicator"
            else:
                estimate, ci = q.did.estimate, q.did.ci95
                reason = "suppressed" if q.did.suppressed else None
        elif g.indicator_kind == "sickleave":
            s = ev.sickleave
            if s is not None:
                estimate = s.did.estimate
                reason = "suppressed" if s.did.suppressed else None
        else:
            p = next((x for x in ev.production if x.metric.casefold() == name.casefold()), None)
            if p is None:
                reason = "unknown_indicator"
            elif p.did.estimate is not None:
                estimate = p.did.estimate
            else:
                b, d = p.trial.baseline.value, p.trial.during.value
                if b is not None and d is not None:
                    estimate, measure = d - b, "change"
        status, why = _goal_status(estimate, ci, g.target_value, g.direction)
        if estimate is None and reason is None:
            reason = "no_data"
        out.append(GoalCheck(
            g.id, g.purpose or g.purpose_key or "", g.indicator_kind, g.indicator, g.target,
            g.target_value, g.direction, measure, estimate, ci, status, reason or why,
        ))
    return out


def _goal_status(
    estimate: float | None,
    ci: tuple[float, float] | None,
    target: float | None,
    direction: str | None,
) -> tuple[Literal["met", "not_met", "unknown"], str | None]:
    """Compare an effect (the point estimate) with a goal.

    ``target_value`` is the size of the change aimed at: ``increase`` is met when the
    estimate is at least ``|target|`` (above 0 without a target), ``decrease`` when it
    is at most ``-|target|`` (below 0 without one). ``keep`` reads the sign as the side
    to guard: ``-0.1`` "may fall at most 0.1" (met when the estimate is at least -0.1),
    ``+0.5`` "may rise at most 0.5"; with 0 or no target, met when the 95 % interval holds
    0. Without a direction, the sign of the target decides.
    """
    if estimate is None:
        return "unknown", None
    if direction is None:
        if target is None:
            return "unknown", "no_direction"
        direction = "increase" if target > 0 else "decrease" if target < 0 else "keep"
    if direction == "keep":
        if target is not None and target < 0:
            ok = estimate >= target
        elif target is not None and target > 0:
            ok = estimate <= target
        elif ci is not None:
            ok = ci[0] <= 0 <= ci[1]
        else:
            return "unknown", "no_target"
    elif direction == "increase":
        ok = estimate >= abs(target) if target is not None else estimate > 0
    else:
        ok = estimate <= -abs(target) if target is not None else estimate < 0
    return ("met" if ok else "not_met"), None


# --- Evaluate -------------------------------------------------------------------------


def _questions(data: Any, survey: pd.DataFrame | None) -> list[str]:
    qs = getattr(data, "questions", None)
    if qs:
        return [q for q in qs]
    if survey is None:
        return []
    skip = _KNOWN_SURVEY_COLUMNS | set(getattr(data, "background", None) or []) | set(_BANDS)
    return [c for c in survey.columns
            if c not in skip and pd.api.types.is_numeric_dtype(survey[c])]


def _background(data: Any, survey: pd.DataFrame | None, questions: Sequence[str]) -> list[str]:
    bg = getattr(data, "background", None)
    if bg is not None:
        return list(bg)
    if survey is None:
        return []
    return [c for c in survey.columns if c not in _KNOWN_SURVEY_COLUMNS and c not in questions]


def _units_not_listed(names_in: dict[str, set[str]], files: dict[str, Any]) -> list[Warning_]:
    """A warning per data file naming units that the units file does not list (a
    misspelt name, say): their rows belong to no group, so the comparison leaves them
    out without a word otherwise."""
    listed = names_in.get("units")
    if not listed:
        return []
    out = []
    for kind in ("survey", "sickleave", "production", "dialogue"):
        missing = sorted(names_in.get(kind, set()) - listed)
        if missing:
            shown = ", ".join(f"'{u}'" for u in missing[:5]) + (", …" if len(missing) > 5 else "")
            name = getattr(files.get(kind), "name", None) or f"{kind}.csv"
            out.append(Warning_("units_not_listed",
                                {"file": name, "count": len(missing), "units": shown}))
    return out


def evaluate(
    data: DataSetLike | Any,
    design: Design,
    workbook: Workbook | None = None,
    questions: Iterable[str] | None = None,
) -> Evaluation:
    """Evaluate a trial on the canonical frames of ``data`` (see ``hjemmekit.io``)."""
    units_df = getattr(data, "units", None)
    survey = getattr(data, "survey", None)
    sick = getattr(data, "sickleave", None)
    prod = getattr(data, "production", None)
    dlg = getattr(data, "dialogue", None)
    groups = unit_groups(design, units_df)
    qs = list(questions) if questions is not None else _questions(data, survey)
    ev = Evaluation(design, groups, qs)

    names_in: dict[str, set[str]] = {}  # kind -> the units its file names
    if survey is not None and len(survey) and {"date", "unit"} <= set(survey.columns):
        for q in qs:
            if q not in survey:
                ev.warnings.append(Warning_("question_not_found", {"question": q}))
        rows = _survey_rows(survey, groups, design)
        names_in["survey"] = {str(u) for u in rows.unit_names}
        fine = _fine_table(survey, [q for q in qs if q in survey], groups, rows, design)
        if fine is not None:
            ev.survey, ev.by_role, ev.units, ev.trend = _survey(fine, design)
            importlib.import_module("hjemmekit.clustered").attach(fine, ev.survey, ev.by_role)
            ev.sums = fine
        ev.wishes = _wishes(survey, _background(data, survey, qs), rows, design.min_answers)
        ev.home_days = _home_days(survey, rows, design.min_answers)
    for kind, frame in (("units", units_df), ("sickleave", sick), ("production", prod),
                        ("dialogue", dlg)):
        if frame is not None and "unit" in frame:
            names_in[kind] = {str(u) for u in pd.unique(frame["unit"]) if isinstance(u, str)}
    known = set().union(*(v for k, v in names_in.items() if k != "dialogue"))
    ev.warnings.extend(_units_not_listed(names_in, getattr(data, "files", {}) or {}))
    for u in [*design.trial_units, *design.comparison_units]:
        if known and u not in known:
            ev.warnings.append(Warning_("unit_not_found", {"unit": u}))
    if not design.trial_units:
        ev.warnings.append(Warning_("no_trial_units"))
    if not design.comparison_units:
        ev.warnings.append(Warning_("no_comparison_units"))
    if sick is not None and len(sick) and {"unit", "month", "fte", "sick_days"} <= set(sick):
        ev.sickleave, sick_units = _sickleave(sick, groups, design)
        ev.units.extend(sick_units)
    if prod is not None and len(prod) and {"unit", "period", "metric", "value"} <= set(prod):
        ev.production = _production(prod, groups, design)
    if dlg is not None and len(dlg) and {"date", "unit", "theme"} <= set(dlg):
        ev.dialogue = _dialogue(dlg, groups, design)
    if workbook is not None:
        ev.goals = _goals(ev, workbook)
    ev.checks = importlib.import_module("hjemmekit.checks").run_checks(ev, data)
    ev.power = importlib.import_module("hjemmekit.power").for_evaluation(ev, data, workbook)
    return ev
