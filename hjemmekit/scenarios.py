"""Comparing home-working scenarios on one organisation (plain Python, no widgets).

A *scenario* (:class:`hjemmekit.model.Scenario`, kept in step 4 of the workbook) is a
named list of rules; each rule (:class:`hjemmekit.model.ScenarioRule`) puts a weekday
pattern (ad hoc or fixed recurring, fixed home days, fixed office days, average home
days a week) on a set of units. For two to four scenarios on the same ``units`` and
``survey`` data, :func:`compare` works out side by side:

- office occupancy per weekday and unit against the desks, the peak day and the desks
  to spare or missing;
- how many answer sets get at least the home days they wish for, and how many more;
- the rule flags each scenario triggers (:func:`hjemmekit.rules.flags_for`);
- the days when a whole unit is together (everyone expected in).

:func:`adopt` copies a scenario into the step-4 arrangements of the step-3 cases.

Which units a rule covers
    The units named in ``rule.units``; the unit its case names (``rule.case_id`` is a
    step-3 case whose name is a unit's name, compared without case and surrounding
    blanks); and, with ``rule.all_units``, every unit no rule names. A unit named by two
    rules follows the first. Units no rule covers come in every day.

Assumptions (the same texts are shown to users: ``scenarios.assumption_*``)
    Everyone in a unit follows its rule. On fixed home days nobody of the unit comes in;
    on the other days everyone does. Ad hoc (no fixed home days): the average home days
    a week are spread evenly over the days that are not fixed office days, so on each of
    them ``headcount * (1 - average / those days)`` people are expected in; on fixed
    office days everyone is. With fixed home days an average given too is not used (the
    fixed days count, as in the rules). Holidays, sick leave, part time and travel are
    not counted: the figures are the most people who can come in. A unit without a
    desks number is counted as having one desk per person. Desks are compared for the
    whole organisation (shared desks) and per unit (units short of their own desks);
    the peak day is the day with most people in, the first one on a tie.

Wishes
    The survey has no respondent identity, so each unit's *latest wave* (its latest
    survey date with a ``home_days_wanted`` answer) stands for its employees, one answer
    set per employee. The days offered are the fixed home days, else the ad hoc
    average (at most the days that are not office days), else 0. Met: offered >= wanted;
    more than wanted: offered > wanted. Privacy: a unit's figure is shown only when that
    wave has at least ``k`` answer sets with a wish (the workbook's
    ``trial.privacy.min_answers``, default 5); a hidden unit is left out of every total,
    so no hidden figure can be worked out by subtraction.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from hjemmekit.i18n import DEFAULT_LANGUAGE, number, percent, t
from hjemmekit.model import (
    REQUIREMENTS,
    WEEKDAYS,
    ArrangementStep,
    CaseArrangement,
    Scenario,
    ScenarioRule,
    Workbook,
    tick_day,
)
from hjemmekit.rules import SCREEN_DAYS_LIMIT, Flag, flags_for

if TYPE_CHECKING:
    import pandas as pd

    from hjemmekit.session import Session

__all__ = [
    "ASSUMPTIONS",
    "CONTEXT_FIGURES",
    "SUITABLE",
    "Adoption",
    "Comparison",
    "ContextFigure",
    "RuleFlags",
    "ScenarioData",
    "ScenarioResult",
    "UnitWishes",
    "Wishes",
    "add_rule",
    "add_scenario",
    "adopt",
    "apply_adoption",
    "arrangement_for",
    "compare",
    "context_figures",
    "count",
    "day_name",
    "days_text",
    "flags_text",
    "names_text",
    "note_text",
    "pattern_text",
    "people",
    "share_text",
    "spare_text",
    "current_scenario",
    "evaluate",
    "find_scenario",
    "plan_adoption",
    "prepare",
    "remove_rule",
    "remove_scenario",
    "rule",
    "rule_at",
    "rule_kind",
    "rule_label",
    "scenario",
    "set_rule_day",
    "suggestions",
    "units_of_cases",
]

SUITABLE = ("suitable", "partly")
"""Step-3 verdicts whose cases get an arrangement in step 4."""
MAX_COMPARED = 4
"""Most scenarios compared side by side."""
ASSUMPTIONS = ("everyone", "fixed", "ad_hoc", "uncovered", "most", "desks", "together",
               "wishes", "privacy")
"""Keys of the assumption texts (``scenarios.assumption_<key>``)."""
_EPS = 1e-9

Note = tuple[str, dict[str, Any]]
"""A remark on a scenario or the data: a catalog key (``scenarios.note_<key>``) and its
fields (lists of unit names are joined when shown)."""


def _tr(key: str, lang: str, **fields: object) -> str:
    return t(f"scenarios.{key}", lang, **fields)


# --- Building scenarios ----------------------------------------------------------------


def _days(value: str | Iterable[str]) -> list[str]:
    """``"tue thu"``, ``"tue,thu"`` or ``["tue", "thu"]`` -> ``["tue", "thu"]``."""
    items = value.replace(",", " ").split() if isinstance(value, str) else list(value)
    unknown = [d for d in items if d not in WEEKDAYS]
    if unknown:
        raise ValueError(f"unknown weekday(s) {', '.join(unknown)}; use {', '.join(WEEKDAYS)}")
    return [d for d in WEEKDAYS if d in items]


def rule(
    units: str | Iterable[str] = (),
    *,
    case: str | None = None,
    all_units: bool = False,
    kind: Literal["ad_hoc", "fixed_recurring"] | None = None,
    home: str | Iterable[str] = (),
    office: str | Iterable[str] = (),
    average: float | None = None,
    screen_work_at_home: bool = True,
) -> ScenarioRule:
    """A rule in a few words: ``rule("Jura", home="tue thu", office="mon")``.

    ``units`` is a unit name or several; ``case`` a step-3 case id; ``home`` and
    ``office`` are weekdays (``mon`` ... ``fri``); ``average`` is ad hoc home days a week.
    The kind, when not given, is fixed recurring with fixed home days, else ad hoc.
    """
    names = [units] if isinstance(units, str) else list(units)
    home_days, office_days = _days(home), _days(office)
    if kind is None:
        kind = "fixed_recurring" if home_days else "ad_hoc"
    return ScenarioRule(
        case_id=case, units=names, all_units=all_units, kind=kind, home_days=home_days,  # type: ignore[arg-type]
        office_days=office_days, home_days_per_week=average,  # type: ignore[arg-type]
        screen_work_at_home=screen_work_at_home,
    )


def scenario(name: str, *rules: ScenarioRule, id: str | None = None, note: str = "") -> Scenario:
    """A scenario from its rules: ``scenario("Ad hoc", rule(all_units=True, average=1))``."""
    extra = {"id": id} if id else {}
    return Scenario(name=name, note=note, rules=list(rules), **extra)


def rule_kind(r: ScenarioRule) -> Literal["ad_hoc", "fixed_recurring"] | None:
    """The rule's kind; when not chosen: fixed recurring with fixed days, ad hoc with an
    average, else None."""
    if r.kind is not None:
        return r.kind
    if r.home_days:
        return "fixed_recurring"
    if r.home_days_per_week is not None:
        return "ad_hoc"
    return None


def arrangement_for(r: ScenarioRule, case_id: str = "scenario") -> CaseArrangement:
    """The rule as a step-4 arrangement (what :func:`adopt` writes, what the rules see)."""
    return CaseArrangement(
        case_id=case_id, kind=rule_kind(r), home_days=list(r.home_days),
        office_days=list(r.office_days), home_days_per_week=r.home_days_per_week,
        screen_work_at_home=r.screen_work_at_home,
    )


def current_scenario(wb: Workbook, name: str | None = None, lang: str = DEFAULT_LANGUAGE
                     ) -> Scenario:
    """The arrangements now in step 4 as a scenario, one rule per case."""
    rules = [
        ScenarioRule(
            case_id=a.case_id, kind=a.kind, home_days=list(a.home_days),
            office_days=[d for d in a.office_days if d not in a.home_days],
            home_days_per_week=a.home_days_per_week, screen_work_at_home=a.screen_work_at_home,
        )
        for a in wb.arrangement.arrangements
        if any(c.id == a.case_id for c in wb.suitability.cases)
    ]
    return Scenario(name=name or _tr("suggest_current", lang), rules=rules)


def suggestions(wb: Workbook, lang: str = DEFAULT_LANGUAGE) -> list[Scenario]:
    """Three scenarios to start from: step 4 as it is (when it has arrangements), ad hoc
    only, and two fixed home days with a common office day (Tuesday)."""
    out = []
    now = current_scenario(wb, lang=lang)
    if now.rules:
        out.append(now)
    out.append(scenario(_tr("suggest_ad_hoc", lang), rule(all_units=True, average=1.0)))
    out.append(scenario(_tr("suggest_fixed", lang),
                        rule(all_units=True, home="wed fri", office="tue")))
    return out


# --- Editing the scenarios in a workbook (inside ``Session.edit``) ----------------------


def find_scenario(wb: Workbook, scenario_id: str) -> Scenario:
    """The scenario with ``scenario_id``; ValueError when it is gone."""
    for s in wb.arrangement.scenarios:
        if s.id == scenario_id:
            return s
    raise ValueError(f"the scenario {scenario_id!r} no longer exists")


def add_scenario(wb: Workbook, new: Scenario) -> Scenario:
    """Add a scenario; its name must be filled in and not taken."""
    name = new.name.strip()
    if not name:
        raise ValueError("a scenario needs a name")
    if any(s.name.strip().casefold() == name.casefold() for s in wb.arrangement.scenarios):
        raise ValueError(f"there is already a scenario named {name!r}")
    if any(s.id == new.id for s in wb.arrangement.scenarios):
        new = new.model_copy(update={"id": Scenario().id})
    wb.arrangement.scenarios.append(new)
    return new


def remove_scenario(wb: Workbook, scenario_id: str) -> None:
    """Delete a scenario (step 4's arrangements are not touched)."""
    s = find_scenario(wb, scenario_id)
    wb.arrangement.scenarios.remove(s)
    if wb.arrangement.chosen == scenario_id:
        wb.arrangement.chosen = None


def rule_at(wb: Workbook, scenario_id: str, index: int) -> ScenarioRule:
    """Rule ``index`` of a scenario; ValueError when it is gone."""
    rules = find_scenario(wb, scenario_id).rules
    if not 0 <= index < len(rules):
        raise ValueError("that rule no longer exists")
    return rules[index]


def add_rule(wb: Workbook, scenario_id: str, new: ScenarioRule | None = None) -> None:
    find_scenario(wb, scenario_id).rules.append(new or ScenarioRule())


def remove_rule(wb: Workbook, scenario_id: str, index: int) -> None:
    rule_at(wb, scenario_id, index)
    del find_scenario(wb, scenario_id).rules[index]


def set_rule_day(wb: Workbook, scenario_id: str, index: int, which: str, day: str,
                 on: bool) -> None:
    """Tick (or untick) ``day`` as a home (``which="home"``) or office day of a rule."""
    tick_day(rule_at(wb, scenario_id, index), which, day, on)


# --- Data ------------------------------------------------------------------------------


@dataclass
class ScenarioData:
    """The units and wishes a comparison is made on (from :func:`prepare`).

    ``units``: one row per unit with a headcount (unit, headcount, desks, desks_given),
    in the file's order. ``wishes``: the answer sets of each unit's latest wave that
    have a wish (unit, date, wanted). ``notes``: what was left out and why.
    """

    units: pd.DataFrame
    wishes: pd.DataFrame | None
    notes: list[Note] = field(default_factory=list)

    @property
    def unit_names(self) -> list[str]:
        return list(self.units["unit"])

    @property
    def headcount(self) -> float:
        return float(self.units["headcount"].sum())

    @property
    def desks(self) -> float:
        return float(self.units["desks"].sum())


def _frame(data: Any, kind: str) -> pd.DataFrame | None:
    if data is None:
        return None
    if isinstance(data, Mapping):
        return data.get(kind)
    return getattr(data, kind, None)


def prepare(data: Any = None, *, units: pd.DataFrame | None = None,
            survey: pd.DataFrame | None = None) -> ScenarioData:
    """Units and wishes from a :class:`hjemmekit.io.DataSet`, the dict of frames
    :func:`hjemmekit.examples.generate` makes, or the two frames given.

    Raises ValueError when there is no units table with a ``headcount`` column.
    """
    import pandas as pd

    units = units if units is not None else _frame(data, "units")
    survey = survey if survey is not None else _frame(data, "survey")
    if units is None or "unit" not in units or len(units) == 0:
        raise ValueError("scenarios need a units file (unit, headcount, desks)")
    if "headcount" not in units:
        raise ValueError("the units file has no headcount column")
    notes: list[Note] = []
    u = pd.DataFrame({
        "unit": units["unit"].astype("string").str.strip(),
        "headcount": pd.to_numeric(units["headcount"], errors="coerce").astype(float),
        "desks": (pd.to_numeric(units["desks"], errors="coerce").astype(float)
                  if "desks" in units else float("nan")),
    })
    u = u[u["unit"].notna() & (u["unit"] != "")]
    no_count = u.loc[u["headcount"].isna(), "unit"].tolist()
    if no_count:
        notes.append(("no_headcount", {"units": no_count}))
    u = u[u["headcount"].notna()].drop_duplicates("unit").reset_index(drop=True)
    u["unit"] = u["unit"].astype(str)
    u["desks_given"] = u["desks"].notna()
    assumed = u.loc[~u["desks_given"], "unit"].tolist()
    if assumed:
        notes.append(("desks_assumed", {"units": assumed}))
    u["desks"] = u["desks"].fillna(u["headcount"])
    wishes = None
    if survey is not None and "home_days_wanted" in survey and len(survey):
        s = pd.DataFrame({
            "unit": survey["unit"].astype("string").str.strip(),
            "date": pd.to_datetime(survey["date"]),
            "wanted": pd.to_numeric(survey["home_days_wanted"], errors="coerce").astype(float),
        })
        s = s[s["wanted"].notna() & s["unit"].notna() & s["date"].notna()]
        unknown = sorted(set(s["unit"].astype(str)) - set(u["unit"]))
        if unknown:
            notes.append(("survey_units_unknown", {"units": unknown}))
            s = s[s["unit"].astype(str).isin(set(u["unit"]))]
        if len(s):
            latest = s.groupby("unit", sort=False)["date"].transform("max")
            wishes = s[s["date"] == latest].reset_index(drop=True)
            wishes["unit"] = wishes["unit"].astype(str)
    if wishes is None:
        notes.append(("no_wishes", {}))
    return ScenarioData(u, wishes, notes)


def units_of_cases(wb: Workbook | None, unit_names: Iterable[str]) -> dict[str, str]:
    """Case id -> the unit the case names (its name is the unit's name)."""
    if wb is None:
        return {}
    by_key = {n.strip().casefold(): n for n in unit_names}
    out = {}
    for case in wb.suitability.cases:
        unit = by_key.get(case.name.strip().casefold())
        if unit is not None:
            out[case.id] = unit
    return out


# --- Results ---------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitWishes:
    """One unit's wishes in a scenario; counts are None when hidden (fewer than k)."""

    unit: str
    offered: float
    answers: int | None
    met: int | None
    more: int | None

    @property
    def hidden(self) -> bool:
        return self.answers is None


@dataclass(frozen=True)
class Wishes:
    """Wishes met over the shown units (hidden units are in no total)."""

    units: tuple[UnitWishes, ...]
    k: int

    @property
    def shown(self) -> list[UnitWishes]:
        return [w for w in self.units if not w.hidden]

    @property
    def hidden_units(self) -> list[str]:
        return [w.unit for w in self.units if w.hidden]

    @property
    def answers(self) -> int:
        return sum(w.answers or 0 for w in self.shown)

    @property
    def met(self) -> int:
        return sum(w.met or 0 for w in self.shown)

    @property
    def more(self) -> int:
        return sum(w.more or 0 for w in self.shown)

    @property
    def fewer(self) -> int:
        return self.answers - self.met

    @property
    def exact(self) -> int:
        return self.met - self.more

    def share(self, what: Literal["met", "more", "fewer", "exact"] = "met") -> float | None:
        return getattr(self, what) / self.answers if self.answers else None


@dataclass(frozen=True)
class RuleFlags:
    """The flags of one rule of a scenario (its pattern seen as a step-4 arrangement)."""

    index: int
    case_id: str | None
    units: tuple[str, ...]
    flags: tuple[Flag, ...]

    @property
    def required(self) -> list[str]:
        return [f.key for f in self.flags if f.is_requirement and f.required]

    @property
    def warnings(self) -> list[Flag]:
        return [f for f in self.flags if f.kind in ("warning", "error")]


@dataclass
class ScenarioResult:
    """Everything compared for one scenario.

    ``by_unit``: one row per unit (index: unit) with rule (its index, -1 when no rule
    covers it), headcount, desks, offered (home days a week) and one column per weekday
    (``mon`` ... ``fri``: people expected in, not rounded).
    """

    scenario: Scenario
    by_unit: pd.DataFrame
    wishes: Wishes | None
    rule_flags: list[RuleFlags]
    notes: list[Note] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.scenario.name

    @cached_property
    def by_day(self) -> dict[str, float]:
        """People expected in per weekday, all units."""
        return {d: float(self.by_unit[d].sum()) for d in WEEKDAYS}

    @property
    def desks(self) -> float:
        return float(self.by_unit["desks"].sum())

    @property
    def headcount(self) -> float:
        return float(self.by_unit["headcount"].sum())

    @property
    def peak_day(self) -> str:
        """The weekday with most people in (the first one on a tie)."""
        top = max(self.by_day.values())
        return next(d for d in WEEKDAYS if self.by_day[d] >= top - _EPS)

    @property
    def peak(self) -> float:
        return self.by_day[self.peak_day]

    @property
    def spare(self) -> float:
        """Desks left on the peak day (negative: desks missing), all units sharing."""
        return self.desks - self.peak

    @property
    def missing(self) -> float:
        return max(0.0, -self.spare)

    @property
    def units_short(self) -> dict[str, float]:
        """Units with more people in on their own peak day than desks of their own."""
        peak = self.by_unit[list(WEEKDAYS)].max(axis=1)
        short = peak - self.by_unit["desks"]
        return {str(u): float(v) for u, v in short.items() if v > _EPS}

    @cached_property
    def together(self) -> dict[str, tuple[str, ...]]:
        """Per unit: the weekdays when all its people are expected in."""
        full = self.by_unit[list(WEEKDAYS)].ge(self.by_unit["headcount"] - _EPS, axis=0)
        return {str(u): tuple(d for d in WEEKDAYS if row[d]) for u, row in full.iterrows()}

    @property
    def units_together(self) -> int:
        """Units with at least one day when all their people are in."""
        return sum(1 for days in self.together.values() if days)

    @property
    def common_days(self) -> tuple[str, ...]:
        """Days when every unit is together: the whole workplace is in."""
        days = set(WEEKDAYS)
        for d in self.together.values():
            days &= set(d)
        return tuple(d for d in WEEKDAYS if d in days)

    @property
    def average_home_days(self) -> float:
        """Home days a week per person (headcount-weighted)."""
        hc = self.headcount
        weighted = (self.by_unit["offered"] * self.by_unit["headcount"]).sum()
        return float(weighted / hc) if hc else 0.0

    @property
    def share_above_two(self) -> float:
        """Share of people with more than two home days a week."""
        hc = self.headcount
        above = self.by_unit.loc[self.by_unit["offered"] > SCREEN_DAYS_LIMIT + _EPS, "headcount"]
        return float(above.sum() / hc) if hc else 0.0

    @property
    def required(self) -> list[str]:
        """Requirement keys that apply to at least one rule, in the order of the rules."""
        keys = {k for rf in self.rule_flags for k in rf.required}
        return [k for k in REQUIREMENTS if k in keys]

    @property
    def warnings(self) -> list[str]:
        keys = {f.key for rf in self.rule_flags for f in rf.warnings}
        return sorted(keys)


def _pattern(r: ScenarioRule | None) -> tuple[list[float], float, bool]:
    """Share of a unit's people in per weekday, home days offered, average capped."""
    if r is None:
        return [1.0] * 5, 0.0, False
    if r.home_days:
        return [0.0 if d in r.home_days else 1.0 for d in WEEKDAYS], float(len(r.home_days)), False
    avg = float(r.home_days_per_week or 0.0)
    free = [d for d in WEEKDAYS if d not in r.office_days]
    if not free or avg <= 0:
        return [1.0] * 5, 0.0, avg > 0
    offered = min(avg, float(len(free)))
    share_in = 1.0 - offered / len(free)
    return [share_in if d in free else 1.0 for d in WEEKDAYS], offered, avg > len(free)


def _assign(sc: Scenario, data: ScenarioData, wb: Workbook | None
            ) -> tuple[dict[str, int], list[Note]]:
    """Unit -> index of the rule that applies to it, and notes on the rules."""
    names = data.unit_names
    known = set(names)
    case_units = units_of_cases(wb, names)
    assigned: dict[str, int] = {}
    notes: list[Note] = []
    unknown: list[str] = []
    for i, r in enumerate(sc.rules):
        named = list(r.units)
        if r.case_id and r.case_id in case_units and case_units[r.case_id] not in named:
            named.append(case_units[r.case_id])
        for unit in named:
            if unit not in known:
                unknown.append(unit)
            elif unit in assigned and assigned[unit] != i:
                notes.append(("unit_twice", {"unit": unit, "first": assigned[unit] + 1,
                                             "second": i + 1}))
            else:
                assigned[unit] = i
    if unknown:
        notes.append(("unknown_units", {"units": list(dict.fromkeys(unknown))}))
    rest = next((i for i, r in enumerate(sc.rules) if r.all_units), None)
    if rest is not None:
        for unit in names:
            assigned.setdefault(unit, rest)
        extra = [i + 1 for i, r in enumerate(sc.rules) if r.all_units and i != rest]
        if extra:
            notes.append(("all_units_twice", {"rules": extra, "first": rest + 1}))
    for i, r in enumerate(sc.rules):
        if i not in assigned.values() and not (r.all_units and i != rest):
            notes.append(("rule_covers_nothing", {"rule": i + 1}))
    return assigned, notes


def _wishes(data: ScenarioData, offered: Mapping[str, float], k: int) -> Wishes | None:
    import numpy as np

    if data.wishes is None:
        return None
    out = []
    for unit, grp in data.wishes.groupby("unit", sort=False):
        days = offered.get(str(unit), 0.0)
        wanted = grp["wanted"].to_numpy(dtype=float)
        n = int(len(wanted))
        if n < k:
            out.append(UnitWishes(str(unit), days, None, None, None))
            continue
        met = int(np.sum(days >= wanted - _EPS))
        more = int(np.sum(days > wanted + _EPS))
        out.append(UnitWishes(str(unit), days, n, met, more))
    order = {u: i for i, u in enumerate(data.unit_names)}
    out.sort(key=lambda w: (order.get(w.unit, len(order)), w.unit))
    return Wishes(tuple(out), k)


def _k(wb: Workbook | None, k: int | None) -> int:
    if k is not None:
        return int(k)
    return wb.trial.privacy.min_answers if wb is not None else 5


def evaluate(sc: Scenario, data: ScenarioData | Any, workbook: Workbook | None = None,
             k: int | None = None) -> ScenarioResult:
    """Occupancy, wishes, flags and together-days of one scenario."""
    import pandas as pd

    data = data if isinstance(data, ScenarioData) else prepare(data)
    k_ = _k(workbook, k)
    assigned, notes = _assign(sc, data, workbook)
    patterns = [_pattern(r) for r in sc.rules]
    for i, (_, _, capped) in enumerate(patterns):
        if capped:
            notes.append(("average_capped", {"rule": i + 1}))
    none = _pattern(None)
    rows = []
    for unit, hc, desks in zip(data.units["unit"], data.units["headcount"],
                               data.units["desks"], strict=True):
        idx = assigned.get(unit, -1)
        shares, offered, _ = patterns[idx] if idx >= 0 else none
        rows.append([unit, idx, hc, desks, offered, *(hc * s for s in shares)])
    by_unit = pd.DataFrame(rows, columns=["unit", "rule", "headcount", "desks", "offered",
                                          *WEEKDAYS]).set_index("unit")
    offered = {u: (patterns[i][1] if i >= 0 else 0.0) for u, i in assigned.items()}
    wishes = _wishes(data, offered, k_)
    # Flags: each rule as an arrangement, the scenario's rules standing in for step 4.
    case_ids = {c.id for c in workbook.suitability.cases} if workbook is not None else set()
    arrangements = [arrangement_for(r, r.case_id or f"rule-{i + 1}")
                    for i, r in enumerate(sc.rules)]
    scratch = Workbook(arrangement=ArrangementStep(arrangements=arrangements))
    rule_flags = []
    for i, (r, arr) in enumerate(zip(sc.rules, arrangements, strict=True)):
        covered = tuple(u for u, j in assigned.items() if j == i)
        rule_flags.append(RuleFlags(i, r.case_id, covered, tuple(flags_for(arr, scratch))))
        if r.case_id and workbook is not None and r.case_id not in case_ids:
            notes.append(("unknown_case", {"rule": i + 1}))
    return ScenarioResult(sc, by_unit, wishes, rule_flags, notes)


@dataclass
class Comparison:
    """Two to four scenarios on the same data, side by side."""

    results: list[ScenarioResult]
    data: ScenarioData
    k: int
    workbook: Workbook | None = None

    def __getitem__(self, i: int) -> ScenarioResult:
        return self.results[i]

    def __len__(self) -> int:
        return len(self.results)

    def _index(self) -> list[str]:
        return [r.name for r in self.results]

    def summary(self, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
        """One row per scenario: peak, desks, together, wishes, rules (formatted text)."""
        import pandas as pd

        rows = []
        for r in self.results:
            w = r.wishes
            rows.append({
                _tr("col_peak_day", lang): day_name(r.peak_day, lang),
                _tr("col_peak", lang): people(r.peak, lang),
                _tr("col_desks", lang): people(r.desks, lang),
                _tr("col_spare", lang): spare_text(r.spare, lang),
                _tr("col_units_short", lang): count(len(r.units_short), lang),
                _tr("col_together", lang): _tr("of", lang, part=count(r.units_together, lang),
                                               whole=count(len(r.by_unit), lang)),
                _tr("col_common", lang): days_text(r.common_days, lang),
                _tr("col_met", lang): share_text(w, "met", lang),
                _tr("col_more", lang): share_text(w, "more", lang),
                _tr("col_average", lang): number(r.average_home_days, lang, 1),
                _tr("col_required", lang): flags_text(r, lang),
            })
        return pd.DataFrame(rows, index=pd.Index(self._index(), name=_tr("col_scenario", lang)))

    def occupancy(self, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
        """People expected in per weekday and scenario, and the desks (formatted text)."""
        import pandas as pd

        rows = []
        for r in self.results:
            row = {day_name(d, lang): people(v, lang) for d, v in r.by_day.items()}
            row[_tr("col_desks", lang)] = people(r.desks, lang)
            row[_tr("col_peak_day", lang)] = day_name(r.peak_day, lang)
            rows.append(row)
        return pd.DataFrame(rows, index=pd.Index(self._index(), name=_tr("col_scenario", lang)))

    def unit_occupancy(self, i: int, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
        """One scenario per unit: people in per weekday, desks, days all are together."""
        import pandas as pd

        r = self.results[i]
        together = r.together
        short = r.units_short
        rows = []
        for unit, row in r.by_unit.iterrows():
            out = {_tr("col_rule", lang): (str(int(row["rule"]) + 1) if row["rule"] >= 0
                                           else _tr("no_rule", lang)),
                   _tr("col_headcount", lang): people(row["headcount"], lang),
                   _tr("col_desks", lang): people(row["desks"], lang)}
            out.update({day_name(d, lang, short=True): people(row[d], lang) for d in WEEKDAYS})
            out[_tr("col_unit_short", lang)] = people(short.get(str(unit), 0.0), lang)
            out[_tr("col_together_days", lang)] = days_text(together[str(unit)], lang, short=True)
            rows.append(out)
        return pd.DataFrame(rows, index=pd.Index(list(r.by_unit.index), name=_tr("col_unit", lang)))

    def wishes(self, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
        """Answer sets (shown units) getting fewer, exactly, more than the days wished."""
        import pandas as pd

        rows = []
        for r in self.results:
            w = r.wishes
            rows.append({
                _tr("col_answers", lang): count(w.answers, lang) if w else "–",
                _tr("col_fewer", lang): share_text(w, "fewer", lang),
                _tr("col_exact", lang): share_text(w, "exact", lang),
                _tr("col_more", lang): share_text(w, "more", lang),
                _tr("col_met", lang): share_text(w, "met", lang),
                _tr("col_hidden", lang): count(len(w.hidden_units), lang) if w else "–",
            })
        return pd.DataFrame(rows, index=pd.Index(self._index(), name=_tr("col_scenario", lang)))

    def unit_wishes(self, i: int, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
        """One scenario per unit: days offered, answers, met, more; hidden units say so."""
        import pandas as pd

        w = self.results[i].wishes
        rows, index = [], []
        for u in (w.units if w else ()):
            hidden = _tr("hidden", lang)
            index.append(u.unit)
            rows.append({
                _tr("col_offered", lang): number(u.offered, lang, 1),
                _tr("col_answers", lang): hidden if u.hidden else count(u.answers or 0, lang),
                _tr("col_met", lang): hidden if u.hidden else count(u.met or 0, lang),
                _tr("col_more", lang): hidden if u.hidden else count(u.more or 0, lang),
            })
        return pd.DataFrame(rows, index=pd.Index(index, name=_tr("col_unit", lang)))

    def flags(self, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
        """Per scenario and requirement: required or not; then the warnings."""
        import pandas as pd

        rows = []
        for r in self.results:
            req = set(r.required)
            row = {_tr(f"req_{k}", lang): _tr("required" if k in req else "not_required", lang)
                   for k in REQUIREMENTS}
            row[_tr("col_warnings", lang)] = "; ".join(
                t(f"rules.{k}", lang) for k in r.warnings) or "–"
            rows.append(row)
        return pd.DataFrame(rows, index=pd.Index(self._index(), name=_tr("col_scenario", lang)))

    def together(self, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
        """Per scenario: the days the whole workplace is in, units with a common day."""
        import pandas as pd

        rows = []
        for r in self.results:
            without = [u for u, d in r.together.items() if not d]
            rows.append({
                _tr("col_common", lang): days_text(r.common_days, lang),
                _tr("col_together", lang): _tr("of", lang, part=count(r.units_together, lang),
                                               whole=count(len(r.by_unit), lang)),
                _tr("col_without", lang): names_text(without, lang),
            })
        return pd.DataFrame(rows, index=pd.Index(self._index(), name=_tr("col_scenario", lang)))

    def notes(self, lang: str = DEFAULT_LANGUAGE) -> list[str]:
        """Remarks on the data and each scenario, as sentences."""
        out = [note_text(n, lang) for n in self.data.notes]
        for r in self.results:
            out.extend(f"{r.name}: {note_text(n, lang)}" for n in r.notes)
        return out


def compare(scenarios: Sequence[Scenario | str], data: ScenarioData | Any,
            workbook: Workbook | None = None, k: int | None = None) -> Comparison:
    """Compare scenarios (objects, or ids of the workbook's scenarios) on the same data.

    ``data``: a :class:`ScenarioData`, a ``DataSet`` or a dict of frames. ``k`` defaults
    to the workbook's ``trial.privacy.min_answers`` (else 5).
    """
    data = data if isinstance(data, ScenarioData) else prepare(data)
    chosen = []
    for s in scenarios:
        if isinstance(s, str):
            if workbook is None:
                raise ValueError("scenario ids need the workbook")
            s = find_scenario(workbook, s)
        chosen.append(s)
    if len(chosen) > MAX_COMPARED:
        raise ValueError(f"compare at most {MAX_COMPARED} scenarios at a time")
    k_ = _k(workbook, k)
    return Comparison([evaluate(s, data, workbook, k_) for s in chosen], data, k_, workbook)


# --- Choosing a scenario --------------------------------------------------------------


@dataclass(frozen=True)
class Adoption:
    """What choosing a scenario did (or would do) to step 4."""

    scenario_id: str
    scenario_name: str
    written: tuple[tuple[str, int], ...] = ()
    """``(case id, rule index)`` of each case whose arrangement gets the rule's pattern."""
    unchanged: tuple[str, ...] = ()
    """Suitable cases the scenario does not cover (their arrangements stay as they are)."""
    unused_rules: tuple[int, ...] = ()
    """Rules that no suitable case gets (they name units only, or unsuitable cases)."""
    ok: bool = True
    problem_key: str = ""
    """Why nothing was copied: ``scenarios.<problem_key>`` (or ``problem``)."""
    names: tuple[tuple[str, str], ...] = ()
    """Case id -> case name, for the message."""
    problem: str = ""

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """A confirmation (or why nothing was copied), in ``lang``."""
        if not self.ok:
            why = _tr(self.problem_key, lang) if self.problem_key else self.problem
            return _tr("adopt_failed", lang, name=self.scenario_name, problem=why)
        names = dict(self.names)
        parts = [_tr("adopt_done", lang, name=self.scenario_name,
                     cases=names_text([names.get(c, c) for c, _ in self.written], lang),
                     count=len(self.written))]
        if self.unchanged:
            parts.append(_tr("adopt_unchanged", lang,
                             cases=names_text([names.get(c, c) for c in self.unchanged], lang)))
        if self.unused_rules:
            parts.append(_tr("adopt_unused", lang,
                             rules=", ".join(str(i + 1) for i in self.unused_rules)))
        parts.append(_tr("adopt_kept", lang))
        return " ".join(parts)


def plan_adoption(wb: Workbook, sc: Scenario, unit_names: Iterable[str] | None = None
                  ) -> Adoption:
    """Which suitable case gets which rule (without changing anything).

    A case gets the rule linked to it; else, when it names a unit, the rule that covers
    that unit; else the rule for all other units. ``unit_names`` (the units file) lets a
    case be matched to a unit; without it, the units the rules name are used.
    """
    names = list(unit_names) if unit_names is not None else [u for r in sc.rules for u in r.units]
    case_units = units_of_cases(wb, names)
    by_case = {r.case_id: i for i, r in enumerate(sc.rules) if r.case_id}
    by_unit: dict[str, int] = {}
    for i, r in enumerate(sc.rules):
        for u in [*r.units, *([case_units[r.case_id]] if r.case_id in case_units else [])]:
            by_unit.setdefault(u, i)
    rest = next((i for i, r in enumerate(sc.rules) if r.all_units), None)
    written, unchanged = [], []
    for case in wb.suitability.cases:
        if case.verdict not in SUITABLE:
            continue
        i = by_case.get(case.id)
        if i is None and case.id in case_units:
            i = by_unit.get(case_units[case.id])
        if i is None:
            i = rest
        if i is None:
            unchanged.append(case.id)
        else:
            written.append((case.id, i))
    used = {i for _, i in written}
    unused = tuple(i for i in range(len(sc.rules)) if i not in used)
    case_names = tuple((c.id, c.name) for c in wb.suitability.cases)
    if not written:
        key = "adopt_no_cases" if not unchanged else "adopt_nothing_covered"
        return Adoption(sc.id, sc.name, (), tuple(unchanged), unused, False, key, case_names)
    return Adoption(sc.id, sc.name, tuple(written), tuple(unchanged), unused, names=case_names)


def apply_adoption(wb: Workbook, sc: Scenario, plan: Adoption) -> None:
    """Write the planned patterns into step 4, keeping meeting rules, requirements and
    reflections; mark the scenario as chosen."""
    for case_id, i in plan.written:
        r = sc.rules[i]
        arr = next((a for a in wb.arrangement.arrangements if a.case_id == case_id), None)
        if arr is None:
            arr = CaseArrangement(case_id=case_id)
            wb.arrangement.arrangements.append(arr)
        new = arrangement_for(r, case_id)
        arr.home_days = []  # so that no day is briefly both a home and an office day
        arr.office_days = []
        for attr in ("kind", "home_days", "office_days", "home_days_per_week",
                     "screen_work_at_home"):
            setattr(arr, attr, getattr(new, attr))
    wb.arrangement.chosen = sc.id


def adopt(session: Session, scenario_id: str, unit_names: Iterable[str] | None = None
          ) -> Adoption:
    """Copy a scenario into step 4 through ``session.edit`` (saved at once).

    Only the weekday patterns of the cases it covers change; every other part of step 4
    stays. Returns what was done; ``message(lang)`` is the confirmation to show.
    """
    wb = session.workbook
    try:
        sc = find_scenario(wb, scenario_id)
    except ValueError:
        return Adoption(scenario_id, "?", ok=False, problem_key="adopt_missing")
    plan = plan_adoption(wb, sc, unit_names)
    if not plan.ok:
        return plan
    if not session.edit(lambda w: apply_adoption(w, find_scenario(w, scenario_id), plan)):
        problem = str(dict(session.status.fields).get("problem", ""))
        return Adoption(sc.id, sc.name, ok=False, names=plan.names, problem=problem)
    return plan


# --- Comparison figures from the guidance -----------------------------------------------


@dataclass(frozen=True)
class ContextFigure:
    """A figure for comparison from ``regler-og-rammer.md``, with its public source."""

    key: str

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return _tr(f"fig_{self.key}", lang)

    def source(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return _tr(f"fig_{self.key}_source", lang)


CONTEXT_FIGURES = tuple(ContextFigure(k) for k in (
    "aku_2025", "aku_2024_sector", "aku_2024_days", "aku_2023", "hk_stat", "tripcom",
    "riksrevisionen", "bfa",
))
"""National and public-sector home-working shares and trial results, with sources."""


def context_figures(lang: str = DEFAULT_LANGUAGE) -> list[tuple[str, str]]:
    """``(figure, source)`` of each comparison figure, in ``lang``."""
    return [(f.text(lang), f.source(lang)) for f in CONTEXT_FIGURES]


# --- Formatting -------------------------------------------------------------------------


def day_name(day: str, lang: str = DEFAULT_LANGUAGE, short: bool = False) -> str:
    return _tr(f"{'dshort' if short else 'day'}_{day}", lang)


def days_text(days: Sequence[str], lang: str = DEFAULT_LANGUAGE, short: bool = False) -> str:
    return ", ".join(day_name(d, lang, short) for d in days) if days else _tr("none", lang)


def count(value: int, lang: str = DEFAULT_LANGUAGE) -> str:
    """A whole number: ``3.618`` (da) / ``3,618`` (en)."""
    return number(value, lang, 0)


def people(value: float, lang: str = DEFAULT_LANGUAGE) -> str:
    """A count of people: whole numbers without decimals, else one decimal."""
    if math.isnan(value):
        return "–"
    whole = abs(value - round(value)) < 0.05
    return number(round(value) if whole else value, lang, 0 if whole else 1)


def spare_text(spare: float, lang: str = DEFAULT_LANGUAGE) -> str:
    if spare < -_EPS:
        return _tr("missing", lang, count=people(-spare, lang))
    return _tr("spare", lang, count=people(spare, lang))


def share_text(w: Wishes | None, what: Literal["met", "more", "fewer", "exact"],
               lang: str = DEFAULT_LANGUAGE) -> str:
    """``412 af 600 (69 %)``; a dash without wishes."""
    if w is None or not w.answers:
        return "–"
    share = w.share(what) or 0.0
    return _tr("of_share", lang, part=count(getattr(w, what), lang), whole=count(w.answers, lang),
               share=percent(share, lang))


def names_text(names: Sequence[str], lang: str = DEFAULT_LANGUAGE, limit: int = 6) -> str:
    """Names joined; after ``limit`` names, ``and N more``."""
    names = list(names)
    if not names:
        return _tr("none", lang)
    if len(names) <= limit:
        return ", ".join(names)
    return _tr("and_more", lang, names=", ".join(names[:limit]), count=len(names) - limit)


def flags_text(r: ScenarioResult, lang: str = DEFAULT_LANGUAGE) -> str:
    """The requirements that apply, by their short names (``SU; Lokalaftale; ...``)."""
    parts = [_tr(f"req_{k}", lang) for k in r.required]
    return "; ".join(parts) or _tr("none", lang)


def note_text(note: Note, lang: str = DEFAULT_LANGUAGE) -> str:
    key, fields = note
    shown = {k: (names_text(v, lang) if isinstance(v, list | tuple) and k == "units"
                 else ", ".join(map(str, v)) if isinstance(v, list | tuple) else v)
             for k, v in fields.items()}
    return _tr(f"note_{key}", lang, **shown)


def rule_label(r: ScenarioRule, i: int, wb: Workbook | None = None,
               lang: str = DEFAULT_LANGUAGE) -> str:
    """``Regel 2: Jura`` – the case's name, the units, or all other units."""
    parts = []
    if r.case_id and wb is not None:
        parts.extend(c.name for c in wb.suitability.cases if c.id == r.case_id)
    if r.units:
        parts.append(names_text(r.units, lang, limit=3))
    if r.all_units:
        parts.append(_tr("all_other_units", lang))
    return _tr("rule_label", lang, no=i + 1, what=" + ".join(parts) or _tr("none", lang))


def pattern_text(r: ScenarioRule, lang: str = DEFAULT_LANGUAGE) -> str:
    """``Fast: hjemme tirsdag, torsdag; fremmøde mandag`` and the like."""
    kind = rule_kind(r)
    parts = [_tr(f"kind_{kind}" if kind else "kind_none", lang)]
    if r.home_days:
        parts.append(_tr("pattern_home", lang, days=days_text(r.home_days, lang)))
    elif r.home_days_per_week is not None:
        parts.append(_tr("pattern_average", lang, days=number(r.home_days_per_week, lang, 1)))
    if r.office_days:
        parts.append(_tr("pattern_office", lang, days=days_text(r.office_days, lang)))
    return "; ".join(parts)
