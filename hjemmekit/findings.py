"""What the trial showed, in plain words: one sentence per step-2 goal, and the checks.

API
---
``findings(ev, lang="da") -> list[Finding]``
    One :class:`Finding` per goal in ``ev.goals`` (survey, sick-leave and production
    goals): ``goal_id``, ``kind``, ``verdict`` (``"met"``, ``"not_met"``,
    ``"cannot_tell"``, ``"hidden"``, ``"no_data"``), ``interval`` (``"cluster"``,
    ``"hc1"`` or None), ``ci95`` (the interval the sentence uses) and ``text``.
``sentences(ev, lang="da") -> list[str]``
    The texts of :func:`findings`.
``goal_verdict(ci, target_value, direction) -> (verdict, includes_zero)``
    How an interval reads against a goal (below).
``check_text(check, lang="da", k=5) -> str``, ``check_lines(checks, lang="da", k=5)``
    A check (:mod:`hjemmekit.checks`) as a sentence with its figures; ``check_lines``
    gives one line per check, ``few_units`` once for questions with the same units.
``check_title(code, lang)``, ``status_label(status, lang)``: headings and verdict words.
``power_text(qp, lang="da") -> str``
    A :class:`hjemmekit.power.QuestionPower` as sentences: the smallest detectable
    effect and, per target, whether the trial is big enough and what would help.
``plan_problem_text(plan, lang) -> str | None``
    Why a :class:`hjemmekit.power.PowerPlan` has no figures (no units, no headcounts).
``question_name(question, lang)``: a survey question's short name (``"Koncentration"``).

How a survey goal is read
-------------------------
The sentence uses the unit-clustered interval when both groups have at least
:data:`hjemmekit.checks.MIN_UNITS` units with answers, else the HC1 interval and says it
may be too narrow. Against the goal's threshold (``+0.3`` for "at least +0.3", ``-0.1``
for "may fall at most 0.1", 0 without a target): **met** when the whole interval lies on
the goal's side of it, **not met** when the whole interval lies on the other side, and
**the trial cannot tell** when the threshold lies inside the interval. When the interval
includes 0, the sentence also says that the trial cannot show a difference at all. Sick
leave and production have no interval (they are totals, not samples): their verdict is
the evaluation's (the point estimate against the target), and the sentence says so.
Hidden figures give a sentence saying why (fewer than k answers in a wave, under the
årsværk threshold), never a number.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from hjemmekit.i18n import has, number, percent, t

if TYPE_CHECKING:
    from hjemmekit.checks import Check
    from hjemmekit.evaluation import DiD, Evaluation, GoalCheck
    from hjemmekit.power import PowerPlan, QuestionPower

Verdict = Literal["met", "not_met", "cannot_tell", "hidden", "no_data"]


@dataclass
class Finding:
    goal_id: str
    kind: str
    verdict: Verdict
    interval: Literal["cluster", "hc1"] | None
    ci95: tuple[float, float] | None
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"goal_id": self.goal_id, "kind": self.kind, "verdict": self.verdict,
                "interval": self.interval,
                "ci95": None if self.ci95 is None else list(self.ci95), "text": self.text}


def _tx(key: str, lang: str, **kw: Any) -> str:
    return t(f"findings.{key}", lang, **kw)


def _n(x: float, lang: str, digits: int = 2) -> str:
    return number(x, lang, digits)


def _short(x: float, lang: str) -> str:
    """A target as typed: no trailing zeros, decimal comma in Danish."""
    s = f"{abs(x):.6f}".rstrip("0").rstrip(".")
    return s.replace(".", ",") if lang == "da" else s


def question_name(question: str, lang: str = "da") -> str:
    """A survey question's short name: the catalog's for known questions, else the
    column name with its first letter capitalised."""
    key = f"findings.q_{question}"
    if has(key, lang):
        return t(key, lang)
    text = question.replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else question


def _metric_name(metric: str, lang: str) -> str:
    key = f"report.metric_{metric}"
    return t(key, lang) if has(key, lang) else metric


# --- Verdicts -----------------------------------------------------------------------------


def _threshold(target: float | None, direction: str | None) -> tuple[float, int] | None:
    """The goal as (threshold, side): side +1 means the effect should be at least the
    threshold, -1 at most; None when the goal says neither."""
    if direction is None:
        if target is None:
            return None
        direction = "increase" if target > 0 else "decrease" if target < 0 else "keep"
    if direction == "increase":
        return (abs(target) if target is not None else 0.0), 1
    if direction == "decrease":
        return (-abs(target) if target is not None else 0.0), -1
    if target is not None and target < 0:
        return target, 1  # may fall at most |target|
    if target is not None and target > 0:
        return target, -1  # may rise at most target
    return 0.0, 0  # no change


def goal_verdict(
    ci: tuple[float, float], target: float | None, direction: str | None
) -> tuple[Verdict, bool]:
    """How a 95 % interval reads against a goal, and whether it includes 0."""
    lo, hi = ci
    zero = lo <= 0 <= hi
    th = _threshold(target, direction)
    if th is None:
        return "cannot_tell", zero
    value, side = th
    if side == 0:  # no change: the interval must hold 0 ... and then cannot rule one out
        return ("cannot_tell" if zero else "not_met"), zero
    if side > 0:
        if lo >= value:
            return "met", zero
        if hi < value:
            return "not_met", zero
    else:
        if hi <= value:
            return "met", zero
        if lo > value:
            return "not_met", zero
    return "cannot_tell", zero


def target_text(target: float | None, direction: str | None, lang: str) -> str | None:
    """``"mindst +0,3"``, ``"et fald på mindst 1"``, ``"ingen ændring"``, ..."""
    th = _threshold(target, direction)
    if th is None:
        return None
    value, side = th
    if direction is None:
        direction = "increase" if side > 0 and value > 0 else (
            "decrease" if side < 0 and value < 0 else "keep")
    if direction in ("increase", "decrease"):
        if value:
            return _tx(f"target_{direction}", lang, value=_short(value, lang))
        return _tx(f"target_{direction}_{'any' if target is None else 'zero'}", lang)
    if side > 0:
        return _tx("target_keep_fall", lang, value=_short(value, lang))
    if side < 0:
        return _tx("target_keep_rise", lang, value=_short(value, lang))
    return _tx("target_keep", lang)


def _point_verdict(g: GoalCheck) -> Verdict:
    return {"met": "met", "not_met": "not_met"}.get(g.status, "cannot_tell")  # type: ignore


# --- Sentences ----------------------------------------------------------------------------


def _interval(did: DiD) -> tuple[Literal["cluster", "hc1"], tuple[float, float] | None]:
    from hjemmekit.checks import MIN_UNITS

    units = did.units or (0, 0)
    if did.ci95_cluster is not None and min(units) >= MIN_UNITS:
        return "cluster", did.ci95_cluster
    return "hc1", did.ci95


def _change(subject: str, estimate: float, lang: str, unit_key: str, digits: int = 2,
            **extra: Any) -> str:
    key = "up" if estimate > 0 else "down" if estimate < 0 else "same"
    return _tx(f"{unit_key}_{key}", lang, subject=subject,
               value=_n(abs(estimate), lang, digits), **extra)


def _target_sentence(g: GoalCheck, verdict: Verdict, lang: str, why: str = "") -> str:
    target = target_text(g.target_value, g.direction, lang)
    if target is None:
        return _tx("no_target", lang)
    if verdict == "cannot_tell":
        return _tx("target_cannot_tell", lang, target=target, why=why)
    return _tx(f"target_{verdict}", lang, target=target)


def _survey_finding(ev: Evaluation, g: GoalCheck, lang: str) -> Finding:
    q = ev.question(g.indicator.strip()) or next(
        (x for x in ev.survey if x.question.casefold() == g.indicator.strip().casefold()), None)
    subject = question_name(q.question if q else g.indicator.strip(), lang)
    target = target_text(g.target_value, g.direction, lang)
    if q is None:
        text = _tx("unknown_indicator", lang, subject=subject, indicator=g.indicator.strip())
        return Finding(g.goal_id, "survey", "no_data", None, None, text)
    did = q.did
    if did.suppressed:
        text = _tx("hidden_survey", lang, subject=subject, k=ev.design.min_answers)
        if target:
            text += " " + _tx("hidden_target", lang, target=target)
        return Finding(g.goal_id, "survey", "hidden", None, None, text)
    if did.estimate is None:
        return Finding(g.goal_id, "survey", "no_data", None, None,
                       _tx("no_data", lang, subject=subject))
    kind, ci = _interval(did)
    ut, uc = did.units or (0, 0)
    if ci is None:
        text = _change(subject, did.estimate, lang, "survey", interval=_tx("no_interval", lang))
        return Finding(g.goal_id, "survey", "cannot_tell", None, None,
                       text + " " + _target_sentence(g, "cannot_tell", lang,
                                                     _tx("why_no_interval", lang)))
    interval = _tx(f"interval_{kind}", lang, lo=_n(ci[0], lang), hi=_n(ci[1], lang),
                   units_trial=ut, units_comparison=uc)
    parts = [_change(subject, did.estimate, lang, "survey", interval=interval)]
    verdict, zero = goal_verdict(ci, g.target_value, g.direction)
    th = _threshold(g.target_value, g.direction)
    if zero and not (th is not None and th[1] == 0):
        parts.append(_tx("includes_zero", lang))
    parts.append(_target_sentence(g, verdict, lang, _tx(
        "why_zero_inside" if th is not None and th[1] == 0 else "why_target_inside", lang)))
    return Finding(g.goal_id, "survey", verdict, kind, ci, " ".join(parts))


def _sick_finding(ev: Evaluation, g: GoalCheck, lang: str) -> Finding:
    subject = _tx("subject_sickleave", lang)
    target = target_text(g.target_value, g.direction, lang)
    s = ev.sickleave
    if g.reason == "suppressed" or (s is not None and s.did.suppressed):
        text = _tx("hidden_sickleave", lang, subject=subject,
                   fte=_n(ev.design.min_fte, lang, 0))
        if target:
            text += " " + _tx("hidden_target", lang, target=target)
        return Finding(g.goal_id, "sickleave", "hidden", None, None, text)
    if g.estimate is None:
        return Finding(g.goal_id, "sickleave", "no_data", None, None,
                       _tx("no_data", lang, subject=subject))
    verdict = _point_verdict(g)
    text = " ".join([_change(subject, g.estimate, lang, "sick", 1),
                     _target_sentence(g, verdict, lang, _tx("why_no_interval", lang))])
    return Finding(g.goal_id, "sickleave", verdict, None, None, text)


def _production_finding(ev: Evaluation, g: GoalCheck, lang: str) -> Finding:
    subject = _metric_name(g.indicator.strip(), lang)
    if g.reason == "unknown_indicator":
        text = _tx("unknown_indicator", lang, subject=subject, indicator=g.indicator.strip())
        return Finding(g.goal_id, "production", "no_data", None, None, text)
    if g.estimate is None:
        return Finding(g.goal_id, "production", "no_data", None, None,
                       _tx("no_data", lang, subject=subject))
    verdict = _point_verdict(g)
    key = "production" if g.measure == "did" else "production_trial"
    text = " ".join([_change(subject, g.estimate, lang, key),
                     _target_sentence(g, verdict, lang, _tx("why_no_interval", lang))])
    return Finding(g.goal_id, "production", verdict, None, None, text)


def findings(ev: Evaluation, lang: str = "da") -> list[Finding]:
    """One finding per step-2 goal the evaluation followed up (``ev.goals``)."""
    out = []
    for g in ev.goals:
        if g.indicator_kind == "survey":
            out.append(_survey_finding(ev, g, lang))
        elif g.indicator_kind == "sickleave":
            out.append(_sick_finding(ev, g, lang))
        elif g.indicator_kind == "production":
            out.append(_production_finding(ev, g, lang))
    return out


def sentences(ev: Evaluation, lang: str = "da") -> list[str]:
    return [f.text for f in findings(ev, lang)]


# --- Checks --------------------------------------------------------------------------------


def check_title(code: str, lang: str = "da") -> str:
    return _tx(f"check_{code}", lang)


def status_label(status: str, lang: str = "da") -> str:
    return _tx(f"status_{status}", lang)


def check_text(check: Check, lang: str = "da", k: int = 5) -> str:
    """A check as one or two sentences with its figures (no hidden figure ever)."""
    f = check.figures
    subject = question_name(check.question, lang) if check.question else ""
    code = check.code
    if check.status == "not_possible":
        return _tx(f"np_{code}_{check.reason}" if has(f"findings.np_{code}_{check.reason}", lang)
                   else f"np_{check.reason}", lang, subject=subject, k=k)
    n = lambda x, d=2: _n(x, lang, d)  # noqa: E731
    if code == "parallel_trends":
        ci = f.get("ci95") or [None, None]
        return _tx(f"pt_{check.status}", lang, subject=subject,
                   slope=n(f["slope_difference"], 3),
                   lo=n(ci[0], 3) if ci[0] is not None else "–",
                   hi=n(ci[1], 3) if ci[1] is not None else "–",
                   drift=n(f["drift"]), months=n(f["months_to_trial_middle"], 1),
                   interval=_tx(f"interval_name_{f['interval']}", lang))
    if code == "baseline_difference":
        return _tx(f"bd_{check.status}", lang, subject=subject,
                   trial=n(f["trial_baseline"]), comparison=n(f["comparison_baseline"]),
                   std=n(abs(f["std_difference"])) if f.get("std_difference") is not None
                   else "–", threshold=n(f["threshold"]))
    if code == "few_units":
        return _tx(f"fu_{check.status}", lang, units_trial=f["units_trial"],
                   units_comparison=f["units_comparison"], min_units=f["min_units"])
    if code == "response_rates":
        def p(x: float) -> str:
            return percent(x, lang)

        return _tx(f"rr_{check.status}", lang,
                   trial_before=p(f["rate_trial_baseline"]),
                   trial_during=p(f["rate_trial_during"]),
                   comparison_before=p(f["rate_comparison_baseline"]),
                   comparison_during=p(f["rate_comparison_during"]),
                   gap=n(abs(f["change_gap"]) * 100, 0),
                   threshold=n(f["threshold"] * 100, 0))
    return code


def check_lines(checks: Iterable[Check], lang: str = "da", k: int = 5) -> list[str]:
    """``"[Advarsel] ..."`` per check; ``few_units`` once for questions with equal units."""
    out: list[str] = []
    seen: dict[tuple, int] = {}
    for c in checks:
        if c.code == "few_units":
            key = (c.status, c.reason, c.figures.get("units_trial"),
                   c.figures.get("units_comparison"))
            if key in seen:
                continue
            seen[key] = len(out)
        text = check_text(c, lang, k)
        out.append(f"[{status_label(c.status, lang)}] {check_title(c.code, lang)} "
                   f"{text[:1].upper()}{text[1:]}")
    return out


# --- Power ---------------------------------------------------------------------------------


def power_text(qp: QuestionPower, lang: str = "da") -> str:
    """The smallest detectable effect of a question, and per target whether the trial is
    big enough and what would help."""
    i = qp.inputs
    if qp.mde is None:
        return _tx("power_none", lang, subject=question_name(qp.question, lang))
    parts = [_tx("power_mde", lang, subject=question_name(qp.question, lang),
                 mde=_n(qp.mde, lang), units_trial=len(i.trial_sizes),
                 units_comparison=len(i.comparison_sizes),
                 rate=percent(i.response_rate, lang), waves_baseline=i.waves_baseline,
                 waves_trial=i.waves_trial,
                 sd=_tx(f"power_sd_{qp.sd_source}", lang, sd=_n(qp.sd, lang)))]
    for tp in qp.targets:
        target = target_text(tp.target_value, tp.direction, lang)
        if tp.detectable is None or target is None:
            continue
        if tp.detectable:
            parts.append(_tx("power_enough", lang, target=target))
            continue
        helps = []
        if tp.waves is not None:
            helps.append(_tx("power_help_waves", lang, baseline=tp.waves[0], trial=tp.waves[1]))
        if tp.extra_units_per_group is not None:
            helps.append(_tx("power_help_units", lang, units=tp.extra_units_per_group))
        if tp.response_rate is not None:
            helps.append(_tx("power_help_rate", lang, rate=percent(tp.response_rate, lang)))
        help_text = (_tx("power_help", lang, options=_tx("or", lang).join(helps)) if helps
                     else _tx("power_no_help", lang))
        parts.append(_tx("power_too_small", lang, target=target) + " " + help_text)
    return " ".join(parts)


def plan_problem_text(plan: PowerPlan, lang: str = "da") -> str | None:
    """Why a trial-size plan has no figures; None when it has them."""
    if plan.problem is None:
        return None
    if plan.problem == "no_headcount":
        if not plan.missing:
            return _tx("power_problem_no_units_file", lang)
        shown = ", ".join(plan.missing[:5]) + (", …" if len(plan.missing) > 5 else "")
        return _tx("power_problem_no_headcount", lang, units=shown)
    return _tx(f"power_problem_{plan.problem}", lang)
