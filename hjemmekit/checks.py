"""Can the difference-in-differences be trusted? The checks a careful analyst makes.

API
---
``run_checks(ev, data=None) -> list[Check]``
    For an :class:`hjemmekit.evaluation.Evaluation` (it keeps the per-unit survey sums
    the checks need in ``ev.sums``) and the data it came from (for the units file's
    headcounts): per survey question ``parallel_trends``, ``baseline_difference`` and
    ``few_units``, then one ``response_rates`` check (``question`` None). ``evaluate``
    calls it and keeps the result in ``ev.checks``.
``Check(code, status, question, figures, reason)``; ``Check.to_dict()`` is the JSON
    shape ``{"code", "status": "ok"|"warning"|"not_possible", "question", "reason",
    ...figures}``. ``reason`` says why a check is ``not_possible`` (``"one_baseline_wave"``,
    ``"hidden"``, ``"no_data"``, ``"no_headcount"``, ...) or names the warning.

The checks and their thresholds
-------------------------------
``parallel_trends``
    Over the baseline waves only: an OLS of the answer on T, time (months), T×time;
    ``slope_difference`` is the coefficient of T×time (trial minus comparison, points per
    month) with its 95 % interval: unit-clustered (like the DiD's, see
    :mod:`hjemmekit.clustered`) when both groups have at least :data:`MIN_UNITS` units,
    else HC1 (``interval`` says which). ``drift`` is what that difference in slopes adds
    to the DiD: ``slope_difference`` × the months from the mean date of the baseline
    answers to the middle of the trial period. A **warning** when the interval lies
    wholly on one side of 0 (the groups were already moving apart) and the drift is at
    least :data:`MIN_DRIFT_SD` (0.1) of the question's baseline SD (a smaller drift cannot
    matter to a decision). Needs two baseline waves in different months in both groups;
    else ``not_possible`` (``reason`` ``"one_baseline_wave"``).
``baseline_difference``
    The groups' baseline means and the standardized difference
    ``(trial − comparison) / pooled SD``. A **warning** when ``|d| >``
    :data:`MAX_STD_DIFFERENCE` (0.25 SD), the usual rule for comparison groups (Stuart
    2010; What Works Clearinghouse): the DiD removes a fixed difference in level, but groups
    that far apart differ in ways that may also change differently, and on a 1-5 scale the
    higher group has less room to rise.
``few_units``
    Answers from one unit hang together (same manager, same work), so the HC1 interval,
    which treats every answer as independent, is too narrow when units differ; the
    unit-clustered interval allows for that but is itself too narrow with few units
    (Cameron & Miller 2015; MacKinnon & Webb 2017: with few clusters, and especially
    few treated ones, it over-rejects). A **warning** when a group has fewer than
    :data:`MIN_UNITS` (10) units with answers. Figures: units per group, both intervals.
``response_rates``
    Answer sets per wave (the most answers any question got in the wave) against the
    headcount of each group's units (units file), per group and period. A **warning**
    when the rates change by more than :data:`MAX_RATE_CHANGE_GAP` (10 percentage points)
    more in one group than in the other: then who answers changed differently, and the
    DiD may compare different people. ``not_possible`` without headcounts.

Privacy: a check gives figures for a group only when every wave behind them has at least
k answers (the evaluation's ``min_answers``); else it is ``not_possible`` with reason
``"hidden"`` and no figures. Unit counts and headcounts are not survey figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from hjemmekit.clustered import Z95

if TYPE_CHECKING:
    from hjemmekit.evaluation import Evaluation

Status = Literal["ok", "warning", "not_possible"]

MIN_UNITS = 10
"""Fewest units with answers per group for the unit-clustered interval to be trusted."""
MAX_STD_DIFFERENCE = 0.25
"""Largest standardized baseline difference (in pooled SDs) without a warning."""
MIN_DRIFT_SD = 0.1
"""Smallest drift by the trial's middle (in baseline SDs) that a pre-trend warns of."""
MAX_RATE_CHANGE_GAP = 0.10
"""Largest difference between the groups' changes in response rate without a warning."""
CODES = ("parallel_trends", "baseline_difference", "few_units", "response_rates")


@dataclass
class Check:
    code: str
    status: Status
    question: str | None = None
    figures: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "status": self.status, "question": self.question,
                "reason": self.reason, **self.figures}


def _f(x: float | None) -> float | None:
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) or math.isinf(x) else x


def _ci(c: tuple[float, float] | None) -> list[float | None] | None:
    return None if c is None else [_f(c[0]), _f(c[1])]


def _months(d: date) -> float:
    """A date as months since year 0 (the middle of a month is ``.5``)."""
    import calendar

    return d.year * 12 + d.month - 1 + (d.day - 0.5) / calendar.monthrange(d.year, d.month)[1]


# --- Shared sums ------------------------------------------------------------------------


@dataclass
class _Baseline:
    """Baseline answers of one question per (unit, wave): counts, shifted sums, squares."""

    unit: np.ndarray
    group: np.ndarray  # per row, 1 trial / 0 comparison
    wave: np.ndarray
    t: np.ndarray  # months (mid-month of the wave's month)
    n: np.ndarray
    s: np.ndarray
    ss: np.ndarray


def _baselines(ev: Evaluation) -> list[_Baseline | None]:
    """Per question of ``ev.sums``: its baseline sums per (unit, wave) (None: no answers)."""
    fine = ev.sums
    if fine is None or fine.table.empty:
        return []
    tab = fine.table
    sel = tab["period"].to_numpy() == 0
    if not sel.any():
        return [None] * len(fine.questions)
    month = tab["month"].to_numpy()[sel].astype("datetime64[M]").astype(np.int64)
    # datetime64[M] counts months from 1970-01; as months since year 0, mid-month
    t = month.astype(float) + 1970 * 12 + 0.5
    unit = tab["unit"].to_numpy(dtype=np.int64)[sel]
    wave = tab["wave"].to_numpy(dtype=np.int64)[sel]
    # one row per (unit, wave): add up the roles
    key = unit * (int(wave.max()) + 1) + wave
    uniq, inv = np.unique(key, return_inverse=True)
    inv = inv.reshape(-1)
    first = np.zeros(len(uniq), dtype=np.int64)
    first[inv] = np.arange(len(inv))
    grp = tab["group"].to_numpy(dtype=np.int64)[sel][first]
    unit, wave, t = unit[first], wave[first], t[first]

    def add(column: str) -> np.ndarray:
        return np.bincount(inv, weights=tab[column].to_numpy(dtype=float)[sel],
                           minlength=len(uniq))

    out: list[_Baseline | None] = []
    for qi in range(len(fine.questions)):
        n = add(f"n{qi}")
        out.append(_Baseline(unit, grp, wave, t, n, add(f"s{qi}"), add(f"ss{qi}"))
                   if (n > 0).any() else None)
    return out


def _wave_counts(b: _Baseline, g: int) -> np.ndarray:
    sel = (b.group == g) & (b.n > 0)
    if not sel.any():
        return np.zeros(0)
    _, inv = np.unique(b.wave[sel], return_inverse=True)
    return np.bincount(inv.reshape(-1), weights=b.n[sel])


def _hidden(b: _Baseline, k: int) -> bool:
    return any(((c > 0) & (c < k)).any() for c in (_wave_counts(b, 0), _wave_counts(b, 1)))


def _pooled_sd(b: _Baseline) -> float | None:
    rss, df = 0.0, 0.0
    for g in (0, 1):
        sel = b.group == g
        n, s, ss = b.n[sel].sum(), b.s[sel].sum(), b.ss[sel].sum()
        if n > 1:
            rss += max(ss - s * s / n, 0.0)
            df += n - 1
    return math.sqrt(rss / df) if df > 0 else None


# --- parallel_trends ----------------------------------------------------------------------


def trend_difference(b: _Baseline) -> dict[str, Any] | None:
    """Difference in baseline slopes (trial − comparison) per month: estimate, HC1 and
    unit-clustered standard errors (statsmodels' ``OLS(y ~ T + t + T:t)`` with
    ``cov_type="HC1"``/``"cluster"``), the units and answers. None when a group has
    answers in fewer than two months."""
    slope, var_hc0, scores, units = {}, 0.0, [], {}
    total = 0.0
    for g in (0, 1):
        sel = (b.group == g) & (b.n > 0)
        n, s, ss, t = b.n[sel], b.s[sel], b.ss[sel], b.t[sel]
        if len(np.unique(t)) < 2:
            return None
        big_n = n.sum()
        total += big_n
        tbar = (n * t).sum() / big_n
        ybar = s.sum() / big_n
        dt = t - tbar
        sxx = (n * dt * dt).sum()
        bg = (dt * s).sum() / sxx
        fit = ybar + bg * dt
        rss = np.maximum(ss - 2 * fit * s + n * fit * fit, 0.0)  # Σ e² per (unit, wave)
        var_hc0 += (dt * dt * rss).sum() / sxx**2
        resid = s - n * fit  # Σ e per (unit, wave)
        u, inv = np.unique(b.unit[sel], return_inverse=True)
        per_unit = np.bincount(inv.reshape(-1), weights=dt * resid) / sxx
        scores.append((1.0 if g == 1 else -1.0) * per_unit)
        slope[g] = bg
        units[g] = len(u)
    est = slope[1] - slope[0]
    k = 4
    se_hc1 = math.sqrt(var_hc0 * total / (total - k)) if total > k else None
    g_units = units[0] + units[1]
    sc = np.concatenate(scores)
    se_cl = None
    if g_units >= 2 and total > k:
        v = float(np.dot(sc, sc)) * g_units / (g_units - 1) * (total - 1) / (total - k)
        se_cl = math.sqrt(v)
    return {"estimate": est, "se_hc1": se_hc1, "se_cluster": se_cl,
            "units_trial": units[1], "units_comparison": units[0], "n": total}


def _parallel_trends(ev: Evaluation, q: str, b: _Baseline | None) -> Check:
    code = "parallel_trends"
    if b is None:
        return Check(code, "not_possible", q, reason="no_data")
    if _hidden(b, ev.design.min_answers):
        return Check(code, "not_possible", q, reason="hidden")
    waves = {g: len(np.unique(b.wave[(b.group == g) & (b.n > 0)])) for g in (0, 1)}
    fig: dict[str, Any] = {"baseline_waves_trial": waves[1],
                           "baseline_waves_comparison": waves[0]}
    if min(waves.values()) < 2:
        return Check(code, "not_possible", q, fig, reason="one_baseline_wave")
    r = trend_difference(b)
    if r is None:
        return Check(code, "not_possible", q, fig, reason="one_baseline_wave")
    clustered = min(r["units_trial"], r["units_comparison"]) >= MIN_UNITS and r["se_cluster"]
    se = r["se_cluster"] if clustered else r["se_hc1"]
    est = r["estimate"]
    ci = None if se is None else (est - Z95 * se, est + Z95 * se)
    # months from the mean date of the baseline answers to the middle of the trial
    t_base = float((b.n * b.t).sum() / b.n.sum())
    d = ev.design
    middle = (_months(d.trial[0]) + _months(d.trial[1])) / 2
    months = middle - t_base
    drift = est * months
    sd = _pooled_sd(b)
    apart = ci is not None and (ci[0] > 0 or ci[1] < 0)
    material = sd is not None and abs(drift) >= MIN_DRIFT_SD * sd
    fig.update({
        "slope_difference": _f(est), "ci95": _ci(ci),
        "interval": "cluster" if clustered else "hc1",
        "months_to_trial_middle": _f(months), "drift": _f(drift),
        "drift_ci95": None if ci is None else _ci(tuple(sorted((ci[0] * months,
                                                                  ci[1] * months)))),
        "baseline_sd": _f(sd),
    })
    if apart and material:
        return Check(code, "warning", q, fig, reason="moving_apart")
    return Check(code, "ok", q, fig)


# --- baseline_difference ------------------------------------------------------------------


def _baseline_difference(ev: Evaluation, q: str, b: _Baseline | None) -> Check:
    code = "baseline_difference"
    res = ev.question(q)
    if b is None or res is None:
        return Check(code, "not_possible", q, reason="no_data")
    tb, cb = res.trial.baseline, res.comparison.baseline
    if tb.suppressed or cb.suppressed or _hidden(b, ev.design.min_answers):
        return Check(code, "not_possible", q, reason="hidden")
    if tb.value is None or cb.value is None:
        return Check(code, "not_possible", q, reason="no_data")
    sd = _pooled_sd(b)
    diff = tb.value - cb.value
    std = diff / sd if sd else None
    fig = {"trial_baseline": _f(tb.value), "comparison_baseline": _f(cb.value),
           "difference": _f(diff), "baseline_sd": _f(sd), "std_difference": _f(std),
           "threshold": MAX_STD_DIFFERENCE}
    if std is not None and abs(std) > MAX_STD_DIFFERENCE:
        return Check(code, "warning", q, fig, reason="far_apart")
    return Check(code, "ok", q, fig)


# --- few_units ------------------------------------------------------------------------------


def _few_units(ev: Evaluation, q: str) -> Check:
    code = "few_units"
    res = ev.question(q)
    if res is None or res.did.units is None:
        return Check(code, "not_possible", q, reason="no_data")
    ut, uc = res.did.units
    did = res.did
    fig: dict[str, Any] = {"units_trial": ut, "units_comparison": uc, "min_units": MIN_UNITS,
                           "ci95_hc1": _ci(did.ci95), "ci95_cluster": _ci(did.ci95_cluster)}
    if did.se and did.se_cluster:
        fig["se_ratio"] = _f(did.se_cluster / did.se)
    if min(ut, uc) < MIN_UNITS:
        return Check(code, "warning", q, fig, reason="few_units")
    return Check(code, "ok", q, fig)


# --- response_rates --------------------------------------------------------------------------


def _headcounts(ev: Evaluation, data: Any) -> tuple[dict[int, float], list[str]] | None:
    """Headcount per group (1 trial, 0 comparison) from the units file, and units whose
    headcount is missing; None without a units file with a headcount column."""
    units = getattr(data, "units", None)
    if units is None or "headcount" not in units or "unit" not in units:
        return None
    from hjemmekit.power import headcounts

    per_unit = headcounts(data)
    total = {1: 0.0, 0: 0.0}
    missing = []
    for u, g in ev.groups.items():
        h = per_unit.get(u)
        if h is None:
            missing.append(u)
            continue
        total[1 if g == "trial" else 0] += h
    return total, missing


def _response_rates(ev: Evaluation, data: Any) -> Check:
    code = "response_rates"
    fine = ev.sums
    if fine is None or fine.table.empty or not fine.questions:
        return Check(code, "not_possible", None, reason="no_data")
    found = _headcounts(ev, data)
    if found is None:
        return Check(code, "not_possible", None, reason="no_headcount")
    heads, missing = found
    if missing or not all(heads.values()):
        return Check(code, "not_possible", None, {"units_without_headcount": sorted(missing)},
                     reason="no_headcount")
    tab = fine.table
    sel = tab["period"].to_numpy() < 2
    ncols = tab[[f"n{i}" for i in range(len(fine.questions))]].to_numpy(dtype=float)[sel]
    answers = ncols.max(axis=1)  # answer sets with any answer, per (unit, wave, role)
    group = tab["group"].to_numpy(dtype=np.int64)[sel]
    period = tab["period"].to_numpy(dtype=np.int64)[sel]
    wave = tab["wave"].to_numpy(dtype=np.int64)[sel]
    k = ev.design.min_answers
    fig: dict[str, Any] = {}
    rates: dict[tuple[int, int], float] = {}
    for g, gname in ((1, "trial"), (0, "comparison")):
        fig[f"headcount_{gname}"] = heads[g]
        for p, pname in ((0, "baseline"), (1, "during")):
            m = (group == g) & (period == p)
            if not m.any():
                return Check(code, "not_possible", None, reason="no_data")
            w = wave[m]
            per_wave = np.bincount(w, weights=answers[m])[np.bincount(w) > 0]
            if (np.asarray(per_wave) < k).any():
                return Check(code, "not_possible", None, reason="hidden")
            mean = float(np.mean(per_wave))
            rates[g, p] = mean / heads[g]
            fig[f"answers_per_wave_{gname}_{pname}"] = mean
            fig[f"rate_{gname}_{pname}"] = rates[g, p]
    change_t = rates[1, 1] - rates[1, 0]
    change_c = rates[0, 1] - rates[0, 0]
    fig.update({"change_trial": change_t, "change_comparison": change_c,
                "change_gap": change_t - change_c, "threshold": MAX_RATE_CHANGE_GAP})
    if abs(change_t - change_c) > MAX_RATE_CHANGE_GAP:
        return Check(code, "warning", None, fig, reason="changed_differently")
    return Check(code, "ok", None, fig)


# --- All ----------------------------------------------------------------------------------


def run_checks(ev: Evaluation, data: Any = None) -> list[Check]:
    """The checks of an evaluation (see the module's docstring); [] without survey data."""
    fine = ev.sums
    if fine is None:
        return []
    out: list[Check] = []
    for q, b in zip(fine.questions, _baselines(ev), strict=True):
        out.append(_parallel_trends(ev, q, b))
        out.append(_baseline_difference(ev, q, b))
        out.append(_few_units(ev, q))
    out.append(_response_rates(ev, data))
    return out
