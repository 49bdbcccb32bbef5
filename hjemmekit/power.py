"""How big a trial must be: the smallest effect a difference-in-differences can detect.

API
---
``PowerInputs(trial_sizes, comparison_sizes, response_rate=0.7, waves_baseline=3,
waves_trial=6, icc=0.0)``
    Headcount per chosen unit in each group, the expected share answering each wave, the
    number of survey waves before and during the trial, and the intra-unit correlation.
``se_did(inputs, sd) -> float``, ``mde(inputs, sd) -> float``,
``power_at(effect, inputs, sd) -> float``
    The DiD's standard error, the smallest detectable effect (80 % power, 5 % level,
    two-sided) and the power to detect a given effect.
``plan(inputs, questions, sds=None, goals=()) -> list[QuestionPower]``
    Per question: ``mde`` with the SD from ``sds`` (else :data:`DEFAULT_SD`), and for each
    step-2 goal on that question whether the trial is big enough to see its target and
    what would help (more waves, more units, a higher response rate).
``for_workbook(wb, data=None, response_rate=0.7, waves_baseline=None, waves_trial=None,
icc=0.0) -> PowerPlan``
    Step 5's Design, before any data: the units from step 5 (or the units file's
    ``group`` column), their headcounts from the units file of ``data`` (the workbook's
    files or its example data, see :mod:`hjemmekit.trialdata`), waves counted as one a
    month over the workbook's baseline and trial periods unless given, questions from
    the survey goals of step 2 and the survey file, SDs from its baseline answers when
    there are data. A :class:`PowerPlan` holds the questions' results or a ``problem``
    (``"no_units"``, ``"no_headcount"``) saying what is missing.
``for_evaluation(ev, data, workbook=None) -> list[QuestionPower]``
    The evaluation JSON's ``power``: the same for the trial as it ran (headcounts and the
    observed response rate, or the answers per wave when headcounts are missing; the
    waves in the data; the baseline SD the ``baseline_difference`` checks in
    ``ev.checks`` found), plus ``mde_cluster`` scaled by the ratio of the DiD's
    unit-clustered to HC1 standard error when both are shown. When a group figure is
    hidden, no observed count is used (the default response rate, or nothing without
    headcounts), so no hidden count can be worked out from the power figures.

The method
----------
With ``n_c`` answer sets in each of the four cells (group × period),
``n_c = Σ_units headcount × response_rate × waves_in_period``, the DiD of cell means has
variance ``sd² Σ_c deff_c / n_c`` (the same as the HC1 variance for large samples) and
``mde = (z_0.975 + z_0.80) × se = 2.80 × se``. Clustering: answers from one unit in one
period hang together; with intra-unit correlation ``icc`` a cell's design effect is
``deff_c = 1 + (m_c − 1) × icc``, ``m_c = Σ n_u² / Σ n_u`` (the answer-weighted mean
answers per unit in the cell; exact for unequal unit sizes under a random unit effect).
This is conservative: the part of a unit's level that lasts from baseline into the trial
cancels in the DiD, so ``icc`` should be read as the correlation of answers within a
unit and period beyond the unit's lasting level (a few per cent in workplace surveys;
:data:`SUGGESTED_ICC` 0.05 when unsure, 0 leaves clustering out). Waves are counted as
fresh answer sets: when the same people answer every wave their answers hang together
and more waves help less than computed. ``sd`` is the answers' standard deviation within
a group and period: from baseline data (pooled over both groups), else
:data:`DEFAULT_SD`, 1.0 point, a typical SD of a 1-5 pulse-survey item (the example
organisation's questions have 0.8-1.1).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hjemmekit.evaluation import Evaluation
    from hjemmekit.model import Goal, Workbook

ALPHA = 0.05
POWER = 0.80
Z_ALPHA = 1.959963984540054
"""``NormalDist().inv_cdf(0.975)``."""
Z_POWER = 0.8416212335729143
"""``NormalDist().inv_cdf(0.80)``."""
DEFAULT_SD = 1.0
"""SD of a question's answers when there are no baseline data (1-5 scale)."""
DEFAULT_RESPONSE_RATE = 0.7
SUGGESTED_ICC = 0.05
MAX_WAVES = 36
"""Most waves (baseline + trial) the 'what would help' search goes to."""
MAX_EXTRA_UNITS = 200
"""Most units per group the 'what would help' search adds."""


class PowerError(ValueError):
    """Inputs that give no power figure; the message says what is wrong."""


@dataclass(frozen=True)
class PowerInputs:
    trial_sizes: tuple[float, ...]
    """Headcount of each chosen trial unit."""
    comparison_sizes: tuple[float, ...]
    response_rate: float = DEFAULT_RESPONSE_RATE
    waves_baseline: int = 3
    waves_trial: int = 6
    icc: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "trial_sizes", tuple(float(x) for x in self.trial_sizes))
        object.__setattr__(self, "comparison_sizes",
                           tuple(float(x) for x in self.comparison_sizes))
        if not 0 < self.response_rate <= 1:
            raise PowerError("the response rate must be above 0 and at most 1")
        if self.waves_baseline < 1 or self.waves_trial < 1:
            raise PowerError("at least one survey wave before and one during the trial")
        if not 0 <= self.icc < 1:
            raise PowerError("the intra-unit correlation must be from 0 to below 1")
        if any(x < 0 for x in (*self.trial_sizes, *self.comparison_sizes)):
            raise PowerError("a headcount is negative")
        # Σ headcount and Σ headcount² per group, once (a state has thousands of units)
        object.__setattr__(self, "_sums", {
            g: (math.fsum(sizes), math.fsum(x * x for x in sizes))
            for g, sizes in (("trial", self.trial_sizes), ("comparison", self.comparison_sizes))})

    def cells(self) -> dict[str, tuple[float, float]]:
        """Per cell ``"trial_baseline"``, ...: (answer sets, design effect)."""
        out = {}
        for g in ("trial", "comparison"):
            h, h2 = self._sums[g]  # type: ignore[attr-defined]
            for p, w in (("baseline", self.waves_baseline), ("during", self.waves_trial)):
                n = h * self.response_rate * w
                m = self.response_rate * w * h2 / h if h > 0 else 0.0
                out[f"{g}_{p}"] = (n, 1 + max(m - 1, 0.0) * self.icc)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"units_trial": len(self.trial_sizes),
                "units_comparison": len(self.comparison_sizes),
                "headcount_trial": self._sums["trial"][0],  # type: ignore[attr-defined]
                "headcount_comparison": self._sums["comparison"][0],  # type: ignore[attr-defined]
                "response_rate": self.response_rate, "waves_baseline": self.waves_baseline,
                "waves_trial": self.waves_trial, "icc": self.icc}


def se_did(inputs: PowerInputs, sd: float) -> float:
    """The DiD's standard error: ``sd × sqrt(Σ_c deff_c / n_c)``; inf with an empty cell."""
    total = 0.0
    for n, deff in inputs.cells().values():
        if n <= 0:
            return math.inf
        total += deff / n
    return sd * math.sqrt(total)


def mde(inputs: PowerInputs, sd: float, alpha: float = ALPHA, power: float = POWER) -> float:
    """The smallest effect detected with ``power`` in a two-sided test at ``alpha``."""
    z = (Z_ALPHA + Z_POWER if (alpha, power) == (ALPHA, POWER)
         else _quantile(1 - alpha / 2) + _quantile(power))
    return z * se_did(inputs, sd)


def _quantile(p: float) -> float:
    from statistics import NormalDist  # only for other levels than 5 % and 80 %

    return NormalDist().inv_cdf(p)


def _cdf(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2))


def power_at(effect: float, inputs: PowerInputs, sd: float, alpha: float = ALPHA) -> float:
    """The chance that the 95 % interval excludes 0 when the true DiD is ``effect``."""
    se = se_did(inputs, sd)
    if not math.isfinite(se) or se <= 0:
        return 0.0
    z = Z_ALPHA if alpha == ALPHA else _quantile(1 - alpha / 2)
    x = abs(effect) / se
    return _cdf(x - z) + _cdf(-x - z)


# --- What would help ----------------------------------------------------------------------


def waves_needed(inputs: PowerInputs, sd: float, size: float) -> tuple[int, int] | None:
    """Fewest waves (baseline, trial), adding one at a time where it helps most, for an
    ``mde`` of at most ``size``; None when :data:`MAX_WAVES` are not enough."""
    cur = inputs
    while mde(cur, sd) > size:
        if cur.waves_baseline + cur.waves_trial >= MAX_WAVES:
            return None
        a = replace(cur, waves_baseline=cur.waves_baseline + 1)
        b = replace(cur, waves_trial=cur.waves_trial + 1)
        cur = a if mde(a, sd) < mde(b, sd) else b
    return cur.waves_baseline, cur.waves_trial


def units_needed(inputs: PowerInputs, sd: float, size: float) -> int | None:
    """Fewest units to add to each group (each of the group's average headcount) for an
    ``mde`` of at most ``size``; None when :data:`MAX_EXTRA_UNITS` are not enough."""
    t, c = inputs.trial_sizes, inputs.comparison_sizes
    if not t or not c:
        return None
    at, ac = sum(t) / len(t), sum(c) / len(c)

    def with_extra(k: int) -> float:
        return mde(replace(inputs, trial_sizes=t + (at,) * k,
                           comparison_sizes=c + (ac,) * k), sd)

    if with_extra(MAX_EXTRA_UNITS) > size:
        return None
    lo, hi = 0, MAX_EXTRA_UNITS  # with_extra(hi) <= size
    while lo < hi:
        mid = (lo + hi) // 2
        if with_extra(mid) <= size:
            hi = mid
        else:
            lo = mid + 1
    return lo


def response_rate_needed(inputs: PowerInputs, sd: float, size: float) -> float | None:
    """The lowest response rate (to the next per cent) for an ``mde`` of at most
    ``size``; None when even everyone answering is not enough."""
    if mde(replace(inputs, response_rate=1.0), sd) > size:
        return None
    for pct in range(1, 101):
        if mde(replace(inputs, response_rate=pct / 100), sd) <= size:
            return pct / 100
    return 1.0


# --- Results -------------------------------------------------------------------------------


@dataclass
class TargetPower:
    """One step-2 goal on a question: can the trial see its target?"""

    goal_id: str
    target_value: float | None
    direction: str | None
    size: float | None
    """The change the trial must be able to see: ``|target_value|``; None without one."""
    detectable: bool | None
    power: float | None
    waves: tuple[int, int] | None = None
    """Waves (baseline, trial) that would make it detectable (when it is not)."""
    extra_units_per_group: int | None = None
    response_rate: float | None = None
    """The response rate that would make it detectable (when it is not)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "goal_id": self.goal_id, "target_value": self.target_value,
            "direction": self.direction, "size": self.size, "detectable": self.detectable,
            "power": self.power,
            "waves_needed": None if self.waves is None else
            {"baseline": self.waves[0], "trial": self.waves[1]},
            "extra_units_per_group": self.extra_units_per_group,
            "response_rate_needed": self.response_rate,
        }


@dataclass
class QuestionPower:
    question: str
    mde: float | None
    sd: float
    sd_source: str
    """``"baseline"`` (from the baseline answers) or ``"default"`` (:data:`DEFAULT_SD`)."""
    inputs: PowerInputs
    targets: list[TargetPower] = field(default_factory=list)
    mde_cluster: float | None = None
    """In an evaluation: ``mde`` × the DiD's clustered/HC1 standard-error ratio."""

    def to_dict(self) -> dict[str, Any]:
        cells = self.inputs.cells()
        return {
            "question": self.question, "mde": _num(self.mde),
            "mde_cluster": _num(self.mde_cluster), "sd": _num(self.sd),
            "sd_source": self.sd_source, **self.inputs.to_dict(),
            "answers": {k: _num(v[0]) for k, v in cells.items()},
            "design_effect": {k: _num(v[1]) for k, v in cells.items()},
            "alpha": ALPHA, "power_level": POWER,
            "targets": [t.to_dict() for t in self.targets],
        }


def _num(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def _target(goal: Goal, inputs: PowerInputs, sd: float, m: float) -> TargetPower:
    v = goal.target_value
    size = abs(v) if v is not None and v != 0 else None
    if size is None or not math.isfinite(m):
        return TargetPower(goal.id, v, goal.direction, size, None, None)
    ok = m <= size
    tp = TargetPower(goal.id, v, goal.direction, size, ok, power_at(size, inputs, sd))
    if not ok:
        tp.waves = waves_needed(inputs, sd, size)
        tp.extra_units_per_group = units_needed(inputs, sd, size)
        tp.response_rate = response_rate_needed(inputs, sd, size)
    return tp


def survey_goals(goals: Iterable[Goal], question: str) -> list[Goal]:
    """The survey goals that follow ``question`` (names compared without case)."""
    return [g for g in goals if g.indicator_kind == "survey"
            and g.indicator.strip().casefold() == question.casefold()]


def plan(
    inputs: PowerInputs,
    questions: Iterable[str],
    sds: Mapping[str, float] | None = None,
    goals: Sequence[Goal] = (),
) -> list[QuestionPower]:
    """Per question: the smallest detectable effect and each goal's verdict."""
    out = []
    for q in questions:
        sd = (sds or {}).get(q)
        source = "baseline" if sd is not None else "default"
        sd = sd if sd is not None else DEFAULT_SD
        m = mde(inputs, sd)
        out.append(QuestionPower(
            q, m if math.isfinite(m) else None, sd, source, inputs,
            [_target(g, inputs, sd, m) for g in survey_goals(goals, q)]))
    return out


# --- From a workbook (Design, before data) ---------------------------------------------------


@dataclass
class PowerPlan:
    """Step 5's trial size: per question results, or what is missing (``problem``)."""

    questions: list[QuestionPower] = field(default_factory=list)
    inputs: PowerInputs | None = None
    problem: str | None = None
    """``"no_units"`` (no trial or comparison units) or ``"no_headcount"``."""
    missing: list[str] = field(default_factory=list)
    """Units without a headcount (with ``"no_headcount"``; empty when there is no units
    file with headcounts at all)."""


def months_between(start: date | None, end: date | None) -> int | None:
    """Calendar months a period touches (one monthly survey wave each)."""
    if start is None or end is None or end < start:
        return None
    return (end.year - start.year) * 12 + end.month - start.month + 1


def headcounts(data: Any) -> dict[str, float | None]:
    """Headcount per unit from the units file of ``data`` (None where it is missing)."""
    units = getattr(data, "units", None)
    if units is None or "unit" not in units:
        return {}
    import pandas as pd

    if "headcount" not in units:
        return dict.fromkeys(units["unit"].astype(str).tolist())
    hc = pd.to_numeric(units["headcount"], errors="coerce").to_numpy(dtype=float)
    names = units["unit"].astype(str).tolist()  # a list: iterating a string array is slow
    return {u: (None if h != h else h) for u, h in zip(names, hc.tolist(), strict=True)}


class _Groups:
    def __init__(self, trial: list[str], comparison: list[str]) -> None:
        self.trial_units, self.comparison_units = trial, comparison


def sizes_for(
    trial_units: Sequence[str], comparison_units: Sequence[str], data: Any,
    groups: Mapping[str, str] | None = None,
) -> tuple[list[float], list[float], list[str]]:
    """Headcounts of the trial and comparison units (and the units below them, as the
    evaluation counts them, or as ``groups`` says) from the units file; the units
    without one."""
    from hjemmekit.evaluation import unit_groups

    if groups is None:
        groups = unit_groups(_Groups(list(trial_units), list(comparison_units)),  # type: ignore[arg-type]
                             getattr(data, "units", None))
    heads = headcounts(data)
    sizes: dict[str, list[float]] = {"trial": [], "comparison": []}
    missing = []
    for u, g in groups.items():
        h = heads.get(u)
        if h is None:
            missing.append(u)
        else:
            sizes[g].append(h)
    return sizes["trial"], sizes["comparison"], sorted(missing)


def baseline_sds(data: Any, groups: Mapping[str, str], baseline: tuple[date, date] | None,
                 k: int) -> dict[str, float]:
    """Per question: the pooled within-group SD of the baseline answers (all answers of
    the two groups when there is no baseline period), only when every wave behind it has
    at least ``k`` answers in each group."""
    import numpy as np
    import pandas as pd

    survey = getattr(data, "survey", None)
    if survey is None or not len(survey) or not {"date", "unit"} <= set(survey.columns):
        return {}
    questions = getattr(data, "questions", None) or []
    group = survey["unit"].astype(str).map(groups)
    when = pd.to_datetime(survey["date"], errors="coerce")
    sel = group.notna().to_numpy().copy()
    if baseline is not None:
        sel &= ((when >= pd.Timestamp(baseline[0])) & (when <= pd.Timestamp(baseline[1]))
                ).to_numpy()
    out = {}
    for q in questions:
        if q not in survey:
            continue
        y = pd.to_numeric(survey[q], errors="coerce").to_numpy(dtype=float)
        m = sel & ~np.isnan(y)
        if not m.any():
            continue
        f = pd.DataFrame({"g": group[m].to_numpy(), "w": when[m].to_numpy(), "y": y[m]})
        if (f.groupby(["g", "w"]).size() < k).any():
            continue
        per = f.groupby("g")["y"].agg(["size", "var"])
        per = per[per["size"] > 1]
        df = (per["size"] - 1).sum()
        if df > 0:
            out[q] = float(math.sqrt(((per["size"] - 1) * per["var"]).sum() / df))
    return out


def for_workbook(
    wb: Workbook,
    data: Any = None,
    response_rate: float = DEFAULT_RESPONSE_RATE,
    waves_baseline: int | None = None,
    waves_trial: int | None = None,
    icc: float = 0.0,
) -> PowerPlan:
    """The trial size of a workbook's step 5 (see the module's docstring)."""
    from hjemmekit.evaluation import unit_groups

    tr = wb.trial
    trial_units, comparison_units = list(tr.trial_units), list(tr.comparison_units)
    if not trial_units or not comparison_units:
        from hjemmekit.trialdata import groups_from_units

        t, c = groups_from_units(data)
        trial_units, comparison_units = trial_units or t, comparison_units or c
    if not trial_units or not comparison_units:
        return PowerPlan(problem="no_units")
    if not any(h is not None for h in headcounts(data).values()):
        return PowerPlan(problem="no_headcount")  # no units file with headcounts at all
    ts, cs, missing = sizes_for(trial_units, comparison_units, data)
    if missing or not ts or not cs:
        return PowerPlan(problem="no_headcount", missing=missing)
    wb_ = waves_baseline or months_between(tr.baseline_start, tr.baseline_end) or 3
    wt_ = waves_trial or months_between(tr.start, tr.end) or 6
    inputs = PowerInputs(tuple(ts), tuple(cs), response_rate, wb_, wt_, icc)
    questions = [g.indicator.strip() for g in wb.goals.goals
                 if g.indicator_kind == "survey" and g.indicator.strip()]
    for q in getattr(data, "questions", None) or []:
        if q.casefold() not in {x.casefold() for x in questions}:
            questions.append(q)
    groups = unit_groups(_Groups(trial_units, comparison_units),  # type: ignore[arg-type]
                         getattr(data, "units", None))
    base = ((tr.baseline_start, tr.baseline_end)
            if tr.baseline_start and tr.baseline_end else None)
    sds = baseline_sds(data, groups, base, tr.privacy.min_answers)
    return PowerPlan(plan(inputs, questions, sds, wb.goals.goals), inputs)


# --- From an evaluation -------------------------------------------------------------------------


def for_evaluation(
    ev: Evaluation, data: Any, workbook: Workbook | None = None
) -> list[QuestionPower]:
    """The evaluation JSON's ``power`` (see the module's docstring); [] without survey data."""
    import numpy as np

    fine = ev.sums
    if fine is None or fine.table.empty or not fine.questions:
        return []
    tab = fine.table
    sel = tab["period"].to_numpy() < 2
    answers = tab[[f"n{i}" for i in range(len(fine.questions))]].to_numpy(dtype=float)[sel]
    answers = answers.max(axis=1)
    period = tab["period"].to_numpy(dtype=np.int64)[sel]
    wave = tab["wave"].to_numpy(dtype=np.int64)[sel]
    unit = tab["unit"].to_numpy(dtype=np.int64)[sel]
    group = tab["group"].to_numpy(dtype=np.int64)[sel]
    waves = {p: len(np.unique(wave[period == p])) for p in (0, 1)}
    if not waves[0] or not waves[1]:
        return []
    n_waves = waves[0] + waves[1]
    d = ev.design
    ts, cs, missing = sizes_for(d.trial_units, d.comparison_units, data, ev.groups)
    # A group's answer count that is hidden must not be worked out from the power figures
    # (the pooled rate less the other group's shown count): then no observed counts.
    hidden = any(c.suppressed for q in ev.survey for p in (q.trial, q.comparison)
                 for c in (p.baseline, p.during))
    rate: float | None = None
    if ts and cs and not missing and sum(ts) + sum(cs) > 0:
        rate = (DEFAULT_RESPONSE_RATE if hidden
                else float(answers.sum() / n_waves / (sum(ts) + sum(cs))))
    if hidden and rate is None:
        return []
    if rate is None or not 0 < rate <= 1:
        # no usable headcounts: the answers per wave of each unit stand in for them
        per_unit = np.bincount(unit, weights=answers) / n_waves
        g_of = np.full(len(per_unit), -1)
        g_of[unit] = group
        ts = [float(x) for x in per_unit[(g_of == 1) & (per_unit > 0)]]
        cs = [float(x) for x in per_unit[(g_of == 0) & (per_unit > 0)]]
        rate = 1.0
        if not ts or not cs:
            return []
    inputs = PowerInputs(tuple(ts), tuple(cs), min(rate, 1.0), waves[0], waves[1], 0.0)
    # the pooled baseline SDs the baseline_difference check found (shown ones only)
    sds: dict[str, float] = {
        c.question: c.figures["baseline_sd"] for c in ev.checks
        if c.code == "baseline_difference" and c.question
        and c.figures.get("baseline_sd")}
    goals = workbook.goals.goals if workbook is not None else []
    out = plan(inputs, fine.questions, sds, goals)
    for qp in out:
        res = ev.question(qp.question)
        if res is not None and res.did.se and res.did.se_cluster and qp.mde is not None:
            qp.mde_cluster = qp.mde * res.did.se_cluster / res.did.se
    return out
