"""Step 5 in words: what the trial showed, whether it can be trusted, how big it must be.

Plain functions that make the HTML of the Results part (:func:`findings_html`,
:func:`checks_html`) and of the trial size in the Design part (:func:`size_html`) from
:mod:`hjemmekit.findings`, :mod:`hjemmekit.checks` and :mod:`hjemmekit.power`. No
widgets here: :mod:`hjemmekit.widgets.trial` and :mod:`hjemmekit.widgets.trial_data`
show them. Texts are the ``results`` catalog. Hidden figures are ``None`` in what these
modules give and are never written as numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hjemmekit.i18n import number, t
from hjemmekit.widgets.base import esc

if TYPE_CHECKING:
    from hjemmekit.evaluation import Evaluation
    from hjemmekit.model import Workbook

CHECK_ORDER = ("parallel_trends", "response_rates", "baseline_difference", "few_units")
"""The checks in the order the Results part shows them (as the issue lists them)."""
STATUS_RANK = {"warning": 0, "not_possible": 1, "ok": 2}


def _tr(key: str, lang: str, **fields: object) -> str:
    return t(f"results.{key}", lang, **fields)


def _num(x: float | None, lang: str, digits: int = 2) -> str:
    return "–" if x is None else number(x, lang, digits)


def _question(name: str | None, lang: str) -> str:
    from hjemmekit.trialdata import question_label

    return question_label(name, lang) if name else ""


def badge(status: str, label: str) -> str:
    """A verdict in words (so it does not rest on colour), styled by ``status``."""
    return f"<span class='hk-verdict hk-verdict-{esc(status)}'>{esc(label)}</span>"


# --- What the trial showed -----------------------------------------------------------------


def findings_html(ev: Evaluation, lang: str, level: int = 3) -> str:
    """The heading "Hvad viste forsøget?" and one sentence per step-2 goal, each led by
    its verdict (met, not met, cannot tell, hidden, no data)."""
    from hjemmekit import findings

    h = f"h{level}"
    head = f"<{h} class='hk-{h}'>{esc(t('findings.findings_heading', lang))}</{h}>"
    items = findings.findings(ev, lang)
    if not items:
        return head + f"<p class='hk-help'>{esc(_tr('findings_none', lang))}</p>"
    lis = "".join(
        f"<li class='hk-finding'>{badge(f.verdict, _tr(f'finding_{f.verdict}', lang))} "
        f"{esc(f.text)}</li>" for f in items)
    return head + f"<ul class='hk-findings'>{lis}</ul>"


# --- Can it be trusted ---------------------------------------------------------------------


def checks_html(ev: Evaluation, lang: str) -> str:
    """The heading "Kan man stole på resultatet?", a one-line conclusion, then one card
    per check: its question, its verdict in words, and its figures (warnings and the
    reason a check is not possible shown; the rest folded)."""
    from hjemmekit import findings

    checks = list(getattr(ev, "checks", None) or [])
    head = f"<h3 class='hk-h3'>{esc(t('findings.checks_heading', lang))}</h3>"
    if not checks:
        return head + f"<p class='hk-help'>{esc(_tr('checks_none', lang))}</p>"
    by_code: dict[str, list[Any]] = {}
    for c in checks:
        by_code.setdefault(c.code, []).append(c)
    codes = [c for c in CHECK_ORDER if c in by_code] + [c for c in by_code
                                                         if c not in CHECK_ORDER]
    verdicts = {code: _overall(by_code[code]) for code in codes}
    warned = [code for code in codes if verdicts[code] == "warning"]
    if warned:
        names = ", ".join(_tr(f"check_short_{c}", lang) for c in warned)
        summary = _tr("checks_warned", lang, count=len(warned), total=len(codes), names=names)
    elif all(v == "not_possible" for v in verdicts.values()):
        summary = _tr("checks_none_possible", lang)
    else:
        summary = _tr("checks_fine", lang)
    k = ev.design.min_answers
    cards = "".join(
        _check_card(code, by_code[code], verdicts[code], lang,
                    lambda c: findings.check_text(c, lang, k)) for code in codes)
    return (head + f"<p class='hk-checks-summary'>{esc(summary)}</p>"
            f"<div class='hk-checks'>{cards}</div>")


def _overall(checks: list[Any]) -> str:
    """A check's verdict over its questions: a warning if any warns; OK if any could be
    made and none warns; else not possible."""
    statuses = {c.status for c in checks}
    if "warning" in statuses:
        return "warning"
    return "ok" if "ok" in statuses else "not_possible"


def _check_card(code: str, checks: list[Any], verdict: str, lang: str,
                text: Callable[[Any], str]) -> str:
    from hjemmekit import findings

    title = findings.check_title(code, lang)
    ordered = sorted(checks, key=lambda c: STATUS_RANK.get(c.status, 3))
    def line(c: Any) -> str:
        x = text(c)
        return x[:1].upper() + x[1:]

    lines = list(dict.fromkeys(line(c) for c in ordered))  # few_units: once per unit count
    firsts = list(dict.fromkeys(line(c) for c in ordered if c.status == ordered[0].status))
    if len(lines) == 1 or verdict == "warning":
        shown = firsts if verdict == "warning" else lines
    elif verdict == "not_possible":
        shown = firsts[:1]  # why not (the other questions' lines are folded)
    else:
        shown = []  # all fine: the figures are folded
    rest = [x for x in lines if x not in shown]
    body = "<ul>" + "".join(f"<li>{esc(x)}</li>" for x in shown) + "</ul>" if shown else ""
    if rest:
        items = "".join(f"<li>{esc(x)}</li>" for x in rest)
        summary = _tr("check_more", lang, count=len(rest))
        body += f"<details><summary>{esc(summary)}</summary><ul>{items}</ul></details>"
    label = badge(verdict, findings.status_label(verdict, lang))
    return (
        f"<section class='hk-check hk-check-{esc(verdict)}' aria-label='{esc(title)}'>"
        f"<h4 class='hk-h4'>{esc(title)} {label}</h4>{body}</section>"
    )


# --- How big the trial must be -------------------------------------------------------------


def size_plan(wb: Workbook, data: Any) -> Any:
    """``power.for_workbook`` with the workbook's expected response rate and waves."""
    from hjemmekit import power

    size = wb.trial.size
    return power.for_workbook(wb, data, response_rate=size.response_rate,
                              waves_baseline=size.waves_baseline,
                              waves_trial=size.waves_trial)


def size_html(wb: Workbook, data: Any, lang: str) -> str:
    """How big the trial must be: first, per question with a step-2 target, whether the
    trial can see it and what would help; then the smallest detectable effect of every
    question in a table."""
    from hjemmekit import findings

    plan = size_plan(wb, data)
    problem = findings.plan_problem_text(plan, lang)
    if problem:
        hint = _tr("size_where_units", lang) if plan.problem == "no_units" else _tr(
            "size_where_headcount", lang)
        return f"<p class='hk-help'>{esc(problem)} {esc(hint)}</p>"
    verdicts = []
    for q in plan.questions:
        known = [tp.detectable for tp in q.targets if tp.detectable is not None]
        if not known:
            continue
        status = "ok" if all(known) else "warning"
        label = badge(status, _tr(f"size_verdict_{status}", lang))
        verdicts.append(f"<li>{label} {esc(findings.power_text(q, lang))}</li>")
    out = []
    if verdicts:
        out.append(f"<ul class='hk-size-verdicts'>{''.join(verdicts)}</ul>")
    else:
        out.append(f"<p class='hk-help'>{esc(_tr('size_no_targets', lang))}</p>")
    rows = [[_question(q.question, lang),
             "–" if q.mde is None else _tr("points", lang, value=_num(q.mde, lang)),
             _tr(f"size_sd_{q.sd_source}", lang, sd=_num(q.sd, lang))]
            for q in plan.questions]
    if rows:
        from hjemmekit.widgets.trial_data import table_html

        out.append(table_html(
            _tr("size_caption", lang),
            [_tr("col_question", lang), _tr("col_mde", lang), _tr("col_sd", lang)], rows))
        out.append(f"<p class='hk-source'>{esc(_tr('size_method', lang))}</p>")
    return "".join(out)
