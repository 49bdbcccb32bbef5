"""What each step of a workbook still lacks (plain Python, no widgets).

Nothing here blocks a user: the stepper shows the lists so leaders see what is left.
Each item is a message key in the ``progress`` catalog, with fields to fill in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hjemmekit.i18n import t
from hjemmekit.model import SUITABILITY_QUESTIONS, Workbook

STEPS = ("context", "goals", "suitability", "arrangement", "trial")


@dataclass(frozen=True)
class Missing:
    key: str
    fields: dict[str, object] = field(default_factory=dict)


def _context(wb: Workbook) -> list[Missing]:
    c = wb.context
    out = []
    if not any(f.selected for f in c.factors.values()) and not c.notes.strip():
        out.append(Missing("context_factors"))
    if not c.statement.strip():
        out.append(Missing("context_statement"))
    return out


def _goals(wb: Workbook) -> list[Missing]:
    goals = wb.goals.goals
    if not goals:
        return [Missing("goals_none")]
    out = []
    for g in goals:
        name = g.purpose.strip() or (
            t(f"goals.purpose_{g.purpose_key}", wb.language) if g.purpose_key else "?"
        )
        if not g.tools:
            out.append(Missing("goal_tools", {"goal": name}))
        # Sick leave needs no named measure: it is always days per årsværk.
        measured = g.indicator.strip() or g.indicator_kind == "sickleave"
        if not measured or not (g.target.strip() or g.target_value is not None):
            out.append(Missing("goal_indicator", {"goal": name}))
    return out


def _suitability(wb: Workbook) -> list[Missing]:
    s = wb.suitability
    out = []
    if not any(d.advantages.strip() or d.drawbacks.strip() for d in s.discussion.values()):
        out.append(Missing("discussion"))
    if not s.cases:
        out.append(Missing("cases_none"))
    for case in s.cases:
        unanswered = sum(1 for q in SUITABILITY_QUESTIONS if case.answers[q].answer is None)
        if unanswered:
            out.append(Missing("case_answers", {"case": case.name, "count": unanswered}))
        if case.verdict == "undecided":
            out.append(Missing("case_verdict", {"case": case.name}))
    return out


def _arrangement(wb: Workbook) -> list[Missing]:
    suitable = [c for c in wb.suitability.cases if c.verdict in ("suitable", "partly")]
    if not suitable:
        return [Missing("arrangement_no_cases")]
    by_case = {a.case_id: a for a in wb.arrangement.arrangements}
    out = []
    for case in suitable:
        arr = by_case.get(case.id)
        if arr is None or arr.kind is None:
            out.append(Missing("arrangement_kind", {"case": case.name}))
    return out


def _trial(wb: Workbook) -> list[Missing]:
    t = wb.trial
    out = []
    if t.start is None or t.end is None:
        out.append(Missing("trial_period"))
    if t.baseline_start is None or t.baseline_end is None:
        out.append(Missing("trial_baseline"))
    dates = [d for d in (t.baseline_start, t.baseline_end, t.start, t.end) if d is not None]
    if dates != sorted(set(dates)):
        out.append(Missing("trial_order"))
    if not t.trial_units:
        out.append(Missing("trial_units"))
    if not t.comparison_units:
        out.append(Missing("trial_comparison"))
    both = sorted(set(t.trial_units) & set(t.comparison_units))
    if both:
        out.append(Missing("trial_both_groups", {"units": ", ".join(both)}))
    if not t.data_sources:
        out.append(Missing("trial_sources"))
    if not t.metrics:
        out.append(Missing("trial_metrics"))
    return out


_CHECKS = {
    "context": _context,
    "goals": _goals,
    "suitability": _suitability,
    "arrangement": _arrangement,
    "trial": _trial,
}


def missing(wb: Workbook) -> dict[str, list[Missing]]:
    """For each step, what is still missing (empty list: the step is filled in)."""
    return {step: _CHECKS[step](wb) for step in STEPS}


def done_steps(wb: Workbook) -> int:
    return sum(1 for items in missing(wb).values() if not items)
