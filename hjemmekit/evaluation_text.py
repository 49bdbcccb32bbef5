"""An evaluation as plain text in Danish or English, and the ``hjemmekit evaluate``
command that reads a data folder, evaluates and prints the text or the JSON document."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

from hjemmekit.evaluation import Design, DesignError, evaluate, parse_period
from hjemmekit.evaluation_results import GROUPS, SICKLEAVE, Cell, DiD, Evaluation


def _fmt(x: float | None, lang: str, digits: int = 2, hidden: bool = False) -> str:
    from hjemmekit.i18n import number, t

    if hidden:
        return t("evaluation.hidden", lang)
    if x is None:
        return "–"
    return number(x, lang, digits)


def _table(header: list[str], rows: list[list[str]], left: int = 1) -> list[str]:
    """A plain text table; the first ``left`` columns are text, the rest numbers."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str], numbers: bool) -> str:
        out = [c.rjust(w) if numbers and i >= left else c.ljust(w)
               for i, (c, w) in enumerate(zip(cells, widths, strict=True))]
        return "  ".join(out).rstrip()

    return [line(header, False), "  ".join("-" * w for w in widths),
            *(line(r, True) for r in rows)]


def _findings_text(ev: Evaluation, lang: str) -> list[str]:
    """The goals in sentences, then the checks (``hjemmekit.findings``), each block with
    its heading and a blank line after it."""
    from hjemmekit import findings
    from hjemmekit.i18n import t

    out: list[str] = []
    lines = findings.sentences(ev, lang)
    if lines:
        out += [t("findings.findings_heading", lang), *lines, ""]
    if ev.checks:
        out += [t("findings.checks_heading", lang),
                *findings.check_lines(ev.checks, lang, ev.design.min_answers), ""]
    return out


def format_text(ev: Evaluation, lang: str = "da", max_units: int = 60) -> str:
    """A readable report of an evaluation in Danish or English."""
    from hjemmekit.i18n import day, has, t

    def tt(key: str, **kw: Any) -> str:
        return t(f"evaluation.{key}", lang, **kw)

    d = ev.design
    out = [tt("title"), ""]
    out += _findings_text(ev, lang)
    out.append(tt("baseline_period", start=day(d.baseline[0], lang), end=day(d.baseline[1], lang)))
    out.append(tt("trial_period", start=day(d.trial[0], lang), end=day(d.trial[1], lang)))
    for g in GROUPS:
        names = sorted(u for u, gg in ev.groups.items() if gg == g)
        out.append(tt(f"units_{g}", units=", ".join(names) or "–"))
    out.append(tt("privacy", k=d.min_answers, fte=_fmt(d.min_fte, lang, 0)))

    def cell(c: Cell, digits: int = 2) -> str:
        return _fmt(c.value, lang, digits, c.suppressed)

    def ci(did: DiD, clustered: bool = False) -> str:
        interval = did.ci95_cluster if clustered else did.ci95
        if did.suppressed:
            return tt("hidden")
        if interval is None:
            return "–"
        return f"{_fmt(interval[0], lang)} ; {_fmt(interval[1], lang)}"

    head = [tt("col_trial_before"), tt("col_trial_during"), tt("col_comparison_before"),
            tt("col_comparison_during"), tt("col_did"), tt("col_ci"), tt("col_ci_cluster")]
    if ev.survey:
        out += ["", tt("survey_heading")]
        rows = [[q.question, cell(q.trial.baseline), cell(q.trial.during),
                 cell(q.comparison.baseline), cell(q.comparison.during),
                 _fmt(q.did.estimate, lang, 2, q.did.suppressed), ci(q.did), ci(q.did, True)]
                for q in ev.survey]
        out += _table([tt("col_question"), *head], rows)
    if ev.by_role:
        out += ["", tt("roles_heading")]
        rows = [[f"{q.question} ({tt('role_' + q.role)})", cell(q.trial.baseline),
                 cell(q.trial.during), cell(q.comparison.baseline), cell(q.comparison.during),
                 _fmt(q.did.estimate, lang, 2, q.did.suppressed), ci(q.did), ci(q.did, True)]
                for q in ev.by_role]
        out += _table([tt("col_question"), *head], rows)
    if ev.sickleave is not None:
        s = ev.sickleave
        out += ["", tt("sickleave_heading")]
        rows = []
        for g, grp in (("trial", s.trial), ("comparison", s.comparison)):
            change = (None if grp.baseline.value is None or grp.during.value is None
                      else grp.during.value - grp.baseline.value)
            rows.append([tt(f"group_{g}"), cell(grp.baseline, 1), cell(grp.during, 1),
                         _fmt(change, lang, 1), _fmt(grp.baseline.n, lang, 1,
                                                     grp.baseline.suppressed),
                         _fmt(grp.during.n, lang, 1, grp.during.suppressed)])
        out += _table([tt("col_group"), tt("col_before"), tt("col_during"), tt("col_change"),
                       tt("col_fte_before"), tt("col_fte_during")], rows)
        out.append(tt("sickleave_did", did=_fmt(s.did.estimate, lang, 1, s.did.suppressed)))
    if ev.production:
        out += ["", tt("production_heading")]
        rows = []
        for p in ev.production:
            rows.append([p.metric, cell(p.trial.baseline), cell(p.trial.during),
                         cell(p.comparison.baseline), cell(p.comparison.during),
                         _fmt(p.did.estimate, lang, 2)])
        out += _table([tt("col_metric"), *head[:5]], rows)
    if ev.goals:
        out += ["", tt("goals_heading")]
        rows = [[g.purpose or g.goal_id, f"{g.indicator_kind}: {g.indicator}",
                 tt(f"direction_{g.direction}") if g.direction else "–",
                 _fmt(g.target_value, lang, 2), _fmt(g.estimate, lang, 2),
                 tt(f"status_{g.status}")] for g in ev.goals]
        out += _table([tt("col_goal"), tt("col_indicator"), tt("col_direction"),
                       tt("col_target"), tt("col_estimate"), tt("col_status")], rows, left=3)
    if ev.wishes:
        out += ["", tt("wishes_heading")]
        def label(prefix: str, key: str | None) -> str:
            if key is None:
                return tt("unknown")
            return tt(f"{prefix}_{key}") if has(f"evaluation.{prefix}_{key}", lang) else key

        rows = [[label("bg", w.background),
                 label("cat", w.category) if w.background == "role" else label("", w.category),
                 _fmt(w.n, lang, 0, w.suppressed), _fmt(w.mean, lang, 1, w.suppressed)]
                for w in ev.wishes]
        out += _table([tt("col_background"), tt("col_category"), tt("col_n"),
                       tt("col_mean_days")], rows, left=2)
    if ev.units:
        out += ["", tt("units_heading")]
        names = {u.unit for u in ev.units}
        if len(names) > max_units:
            out.append(tt("units_too_many", count=len(names)))
        else:
            rows = [[u.unit, tt("measure_sickleave") if u.measure == SICKLEAVE else u.measure,
                     tt(f"period_{u.period}"),
                     _fmt(u.n, lang, 0 if u.measure != SICKLEAVE else 1, u.suppressed),
                     _fmt(u.value, lang, 2, u.suppressed)] for u in ev.units]
            out += _table([tt("col_unit"), tt("col_measure"), tt("col_period"), tt("col_n"),
                           tt("col_value")], rows, left=3)
    if ev.dialogue:
        out += ["", tt("dialogue_heading")]
        rows = [[tt(f"group_{d.group}"), tt(f"period_{d.period}"), d.theme, str(d.count)]
                for d in ev.dialogue]
        out += _table([tt("col_group"), tt("col_period"), tt("col_theme"), tt("col_count")],
                      rows, left=3)
    for w in ev.warnings:
        out.append(tt(f"warn_{w.code}", **w.fields))
    out += ["", tt("footnote", k=d.min_answers, fte=_fmt(d.min_fte, lang, 0))]
    return "\n".join(out)


def evaluate_command(
    data_dir: str | Path,
    workbook: str | Path | None = None,
    baseline: str | None = None,
    trial: str | None = None,
    as_json: bool = False,
    lang: str = "da",
) -> int:
    """``hjemmekit evaluate``: 0 done, 1 wrong input, 2 wrong usage (missing design)."""
    from hjemmekit.i18n import t

    wb = None
    if workbook is not None:
        from hjemmekit.model import DocumentError, load_workbook

        try:
            wb = load_workbook(Path(workbook).read_text(encoding="utf-8"))
        except OSError as e:
            print(f"{workbook}: {e.strerror or e}", file=sys.stderr)
            return 1
        except (DocumentError, UnicodeDecodeError) as e:
            for line in str(e).splitlines() or [""]:
                print(f"{workbook}: {line}", file=sys.stderr)
            return 1
    if wb is None and not (baseline and trial):
        print(t("evaluation.need_design", lang), file=sys.stderr)
        return 2
    try:
        for text in (baseline, trial):
            if text:
                parse_period(text)
    except DesignError as e:
        print(f"hjemmekit evaluate: {e}", file=sys.stderr)
        return 2
    if not Path(data_dir).is_dir():
        print(t("evaluation.no_data_dir", lang, path=str(data_dir)), file=sys.stderr)
        return 1
    hio = importlib.import_module("hjemmekit.io")
    try:
        data = hio.read_data_dir(data_dir)
    except hio.DataError as e:
        print(str(e), file=sys.stderr)
        return 1
    try:
        units = getattr(data, "units", None)
        if wb is not None:
            design = Design.from_workbook(wb, units, baseline, trial)
        else:
            design = Design.from_units(units, baseline or "", trial or "")
    except DesignError as e:
        print(f"hjemmekit evaluate: {e}", file=sys.stderr)
        return 2
    if not design.trial_units or not design.comparison_units:
        print(t("evaluation.need_groups", lang), file=sys.stderr)
        return 2
    ev = evaluate(data, design, wb)
    if as_json:
        out = getattr(sys.stdout, "buffer", None)
        if out is None:  # a text-only stdout (e.g. redirected to a StringIO)
            print(ev.to_json().decode())
        else:
            sys.stdout.flush()
            out.write(ev.to_json() + b"\n")
            out.flush()
    else:
        print(format_text(ev, lang))
    return 0
