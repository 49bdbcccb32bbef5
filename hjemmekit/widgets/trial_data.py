"""Step 5, the data part: uploading data files, and the evaluation with its charts.

Two panels used by :class:`hjemmekit.widgets.trial.TrialView`: :class:`DataPanel` (upload,
validate in place, list and remove the workbook's files) and :class:`EvaluationPanel`
(run the evaluation, show its tables and the four charts). The HTML of the tables is
made by plain functions below. Hidden figures are ``None`` in the evaluation already and
are written as "skjult (< 5 svar)"; they are never drawn or printed as numbers.
pandas, matplotlib and the evaluation are imported when first used.
"""

from __future__ import annotations

import asyncio
import base64
import io as _bytes_io
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import ipywidgets as W

from hjemmekit import trialdata
from hjemmekit.figuretext import FigureText
from hjemmekit.i18n import day, has, number, t
from hjemmekit.session import Session
from hjemmekit.store import StoreError
from hjemmekit.widgets.base import (
    STACKED,
    VIEW_ONLY,
    Fold,
    esc,
    heading,
    message_html,
    paragraph,
    problem_text,
    upload_too_big,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from hjemmekit.evaluation import Evaluation
    from hjemmekit.trialdata import TrialData, Upload

CHART_DPI = 80
MAX_UNIT_ROWS = 300
"""Most units listed in the per-unit table (the JSON export has them all)."""
GROUPS = ("trial", "comparison")


# --- Plain helpers ----------------------------------------------------------------------


def button(description: str, **kwargs: Any) -> W.Button:
    """A button as wide as its text (ipywidgets cuts long texts off by default)."""
    kwargs.setdefault("icon", "")
    kwargs.setdefault("layout", W.Layout(width="auto", max_width="100%", align_self="flex-start"))
    return W.Button(description=description, **kwargs)



def problems_html(title: str, lines: Sequence[str]) -> str:
    """A list of problem lines (``file:line: column 'x': ...``), announced."""
    items = "".join(f"<li><code>{esc(line)}</code></li>" for line in lines)
    return (f"<div class='hk-problems' role='alert'><p class='hk-error'>{esc(title)}</p>"
            f"<ul>{items}</ul></div>")


def table_html(
    caption: str, head: Sequence[str], rows: Sequence[Sequence[str]], label: str = ""
) -> str:
    """An accessible table: caption, column headers, the first cell of a row a row header.

    Cells are escaped here; wide tables scroll in a focusable region.
    """
    th = "".join(f"<th scope='col'>{esc(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(
            f"<th scope='row'>{esc(c)}</th>" if i == 0 else f"<td>{esc(c)}</td>"
            for i, c in enumerate(r)
        ) + "</tr>"
        for r in rows
    )
    return (
        f"<div class='hk-scroll' role='region' tabindex='0' aria-label='{esc(label or caption)}'"
        f" style='overflow-x:auto'><table class='hk-table'><caption>{esc(caption)}</caption>"
        f"<thead><tr>{th}</tr></thead><tbody>{body}</tbody></table></div>"
    )


class Fmt(FigureText):
    """The app's tables: texts from ``trial.*``, hidden figures name their threshold."""

    def tr(self, key: str, **fields: object) -> str:
        return t(f"trial.{key}", self.lang, **fields)

    def hidden(self, fte: bool = False) -> str:
        if fte:
            return self.tr("hidden_fte", fte=self.fte)
        return self.tr("hidden_answers", k=self.k)


def metric_label(name: str, lang: str) -> str:
    """A production metric's label when it is one of the known ones, else its name."""
    key = f"trial.metric_{name}"
    return t(key, lang) if has(key, lang) else name


def survey_html(ev: Evaluation, lang: str) -> str:
    """The DiD per question with its 95 % interval and the four group means."""
    f = Fmt(ev, lang)
    if not ev.survey:
        return f"<p class='hk-help'>{esc(f.tr('no_survey'))}</p>"
    head = [f.tr("col_question"), f.tr("col_trial_before"), f.tr("col_trial_during"),
            f.tr("col_comparison_before"), f.tr("col_comparison_during"), f.tr("col_did"),
            f.tr("col_ci"), f.tr("col_ci_cluster")]
    rows = [[trialdata.question_label(q.question, lang), f.cell(q.trial.baseline),
             f.cell(q.trial.during), f.cell(q.comparison.baseline), f.cell(q.comparison.during),
             f.did(q.did), f.ci(q.did), f.ci(q.did, clustered=True)] for q in ev.survey]
    from hjemmekit.checks import MIN_UNITS

    cluster = f.tr("survey_help_cluster", min=MIN_UNITS)
    return table_html(f.tr("survey_caption"), head, rows) + (
        f"<p class='hk-help'>{esc(f.tr('survey_help'))} {esc(cluster)}</p>")


def roles_html(ev: Evaluation, lang: str) -> str:
    """Leaders and employees: the DiD per question and role."""
    f = Fmt(ev, lang)
    if not ev.by_role:
        return f"<p class='hk-help'>{esc(f.tr('no_roles'))}</p>"
    head = [f.tr("col_question"), f.tr("col_role"), f.tr("col_trial_before"),
            f.tr("col_trial_during"), f.tr("col_comparison_before"),
            f.tr("col_comparison_during"), f.tr("col_did"), f.tr("col_ci")]
    rows = [[trialdata.question_label(r.question, lang), f.tr(f"role_{r.role}"),
             f.cell(r.trial.baseline), f.cell(r.trial.during), f.cell(r.comparison.baseline),
             f.cell(r.comparison.during), f.did(r.did), f.ci(r.did)] for r in ev.by_role]
    return table_html(f.tr("roles_caption"), head, rows)


def sickleave_html(ev: Evaluation, lang: str) -> str:
    """Sick-leave days per årsværk per year per group and period, and the DiD."""
    f = Fmt(ev, lang)
    s = ev.sickleave
    if s is None:
        return f"<p class='hk-help'>{esc(f.tr('no_sickleave'))}</p>"
    head = [f.tr("col_group"), f.tr("col_before"), f.tr("col_during"), f.tr("col_change"),
            f.tr("col_fte_before"), f.tr("col_fte_during")]
    rows = []
    for g, grp in (("trial", s.trial), ("comparison", s.comparison)):
        b, d = grp.baseline, grp.during
        change = "–" if b.value is None or d.value is None else f.num(d.value - b.value, 1)
        rows.append([f.group(g), f.cell(b, 1, fte=True), f.cell(d, 1, fte=True), change,
                     f.count(b, fte=True), f.count(d, fte=True)])
    did = f.did(s.did, 1, fte=True)
    return table_html(f.tr("sickleave_caption"), head, rows) + (
        f"<p>{esc(f.tr('sickleave_did', did=did))}</p>")


def production_html(ev: Evaluation, lang: str) -> str:
    """Per production metric: the mean per group and period, the change and the DiD."""
    f = Fmt(ev, lang)
    if not ev.production:
        return f"<p class='hk-help'>{esc(f.tr('no_production'))}</p>"
    head = [f.tr("col_metric"), f.tr("col_trial_before"), f.tr("col_trial_during"),
            f.tr("col_trial_change"), f.tr("col_comparison_before"),
            f.tr("col_comparison_during"), f.tr("col_comparison_change"), f.tr("col_did")]
    rows = [[metric_label(p.metric, lang), f.cell(p.trial.baseline), f.cell(p.trial.during),
             f.change(p.trial), f.cell(p.comparison.baseline), f.cell(p.comparison.during),
             f.change(p.comparison), f.did(p.did)] for p in ev.production]
    return table_html(f.tr("production_caption"), head, rows)


def goals_html(ev: Evaluation, lang: str, names: dict[str, str]) -> str:
    """Each goal with an indicator: the effect, met / not met / unknown and why."""
    f = Fmt(ev, lang)
    if not ev.goals:
        return f"<p class='hk-help'>{esc(f.tr('no_goal_checks'))}</p>"
    head = [f.tr("col_goal"), f.tr("col_indicator"), f.tr("col_target"), f.tr("col_effect"),
            f.tr("col_status")]
    rows = []
    for g in ev.goals:
        if g.indicator_kind == "survey":
            indicator = trialdata.question_label(g.indicator, lang)
        elif g.indicator_kind == "sickleave":
            indicator = f.tr("source_sickleave")
        else:
            indicator = metric_label(g.indicator, lang)
        effect = f.hidden(g.indicator_kind == "sickleave") if g.reason == "suppressed" else (
            f.num(g.estimate))
        if g.measure == "change" and g.estimate is not None:
            effect = f.tr("effect_change", value=effect)
        status = f.tr(f"status_{g.status}")
        if g.reason:
            status = f.tr("status_with_reason", status=status,
                          reason=f.tr(f"reason_{g.reason}") if has(
                              f"trial.reason_{g.reason}", lang) else g.reason)
        rows.append([names.get(g.goal_id, g.purpose or g.goal_id), indicator,
                     g.target or f.num(g.target_value), effect, status])
    return table_html(f.tr("goals_caption"), head, rows)


def wishes_html(ev: Evaluation, lang: str) -> str:
    """Who wants home working: mean wanted home days per background category."""
    f = Fmt(ev, lang)
    if not ev.wishes:
        return f"<p class='hk-help'>{esc(f.tr('no_wishes'))}</p>"

    def label(prefix: str, key: str | None) -> str:
        if key is None:
            return t("evaluation.unknown", lang)
        full = f"evaluation.{prefix}_{key}"
        return t(full, lang) if has(full, lang) else key

    head = [f.tr("col_background"), f.tr("col_category"), f.tr("col_answers"),
            f.tr("col_mean_days")]
    rows = [[label("bg", w.background),
             label("cat", w.category) if w.background == "role" else (w.category or label(
                 "", None)),
             f.hidden() if w.suppressed else f.num(w.n, 0),
             f.hidden() if w.suppressed else f.num(w.mean, 1)] for w in ev.wishes]
    return table_html(f.tr("wishes_caption"), head, rows)


def dialogue_html(ev: Evaluation, lang: str) -> str:
    """How often each theme came up in dialogue meetings, per group and period."""
    f = Fmt(ev, lang)
    if not ev.dialogue:
        return f"<p class='hk-help'>{esc(f.tr('no_dialogue'))}</p>"
    cols = [(g, p) for g in GROUPS for p in ("baseline", "during")]
    counts: dict[str, dict[tuple[str, str], int]] = {}
    for d in ev.dialogue:
        counts.setdefault(d.theme, {})[d.group, d.period] = d.count
    head = [f.tr("col_theme"), f.tr("col_trial_before"), f.tr("col_trial_during"),
            f.tr("col_comparison_before"), f.tr("col_comparison_during")]
    rows = [[theme, *(str(c.get(k, 0)) for k in cols)] for theme, c in sorted(counts.items())]
    return table_html(f.tr("dialogue_caption"), head, rows)


def unit_measures(ev: Evaluation) -> list[str]:
    """The measures with figures per unit: the questions, then sick leave."""
    from hjemmekit.evaluation import SICKLEAVE

    found = {u.measure for u in ev.units}
    out = [q for q in ev.questions if q in found]
    return out + ([SICKLEAVE] if SICKLEAVE in found else [])


def units_html(ev: Evaluation, measure: str, lang: str) -> str:
    """One measure per unit, before and during; hidden figures written as hidden."""
    from hjemmekit.evaluation import SICKLEAVE

    f = Fmt(ev, lang)
    sick = measure == SICKLEAVE
    by_unit: dict[str, dict[str, Any]] = {}
    for u in ev.units:
        if u.measure == measure:
            by_unit.setdefault(u.unit, {"group": u.group})[u.period] = u
    if not by_unit:
        return f"<p class='hk-help'>{esc(f.tr('no_units'))}</p>"

    def value(u: Any) -> str:
        if u is None:
            return "–"
        return f.hidden(sick) if u.suppressed else f.num(u.value, 1 if sick else 2)

    def n(u: Any) -> str:
        if u is None:
            return "–"
        return f.hidden(sick) if u.suppressed else f.num(u.n, 1 if sick else 0)

    head = [f.tr("col_unit"), f.tr("col_group"), f.tr("col_before"),
            f.tr("col_fte_before" if sick else "col_n_before"), f.tr("col_during"),
            f.tr("col_fte_during" if sick else "col_n_during")]
    order = {g: i for i, g in enumerate(GROUPS)}
    ordered = sorted(by_unit.items(), key=lambda kv: (order.get(kv[1]["group"], 9),
                                                      kv[0].casefold()))
    rows = [[unit, f.group(d["group"]), value(d.get("baseline")), n(d.get("baseline")),
             value(d.get("during")), n(d.get("during"))] for unit, d in ordered[:MAX_UNIT_ROWS]]
    name = f.tr("source_sickleave") if sick else trialdata.question_label(measure, lang)
    more = ""
    if len(ordered) > MAX_UNIT_ROWS:
        note = f.tr("units_more", shown=MAX_UNIT_ROWS, count=len(ordered))
        more = f"<p class='hk-help'>{esc(note)}</p>"
    return table_html(f.tr("units_caption", measure=name), head, rows) + more


def hidden_summary(ev: Evaluation, lang: str) -> str:
    """One line saying which figures are hidden and why (or that none are)."""
    f = Fmt(ev, lang)
    units = sorted({u.unit for u in ev.units if u.suppressed}, key=str.casefold)
    parts = []
    if units:
        shown = ", ".join(units[:12]) + (", …" if len(units) > 12 else "")
        parts.append(f.tr("hidden_units", count=len(units), units=shown))
    groups = sum(q.did.suppressed for q in ev.survey) + sum(r.did.suppressed for r in ev.by_role)
    if groups:
        parts.append(f.tr("hidden_groups", count=groups))
    wishes = sum(w.suppressed for w in ev.wishes) + sum(h.suppressed for h in ev.home_days)
    if wishes:
        parts.append(f.tr("hidden_wishes", count=wishes))
    months = sum(p.suppressed for p in ev.trend)
    if months:
        parts.append(f.tr("hidden_months", count=months))
    if ev.sickleave is not None and ev.sickleave.did.suppressed:
        parts.append(f.tr("hidden_sickleave"))
    if not parts:
        return f.tr("hidden_none", k=f.k, fte=f.fte)
    return f.tr("hidden_line", what="; ".join(parts), k=f.k, fte=f.fte)


def warnings_text(ev: Evaluation, lang: str) -> list[str]:
    return [t(f"evaluation.warn_{w.code}", lang, **w.fields) for w in ev.warnings]


# --- Charts -------------------------------------------------------------------------------


def figure_png(fig: Figure, dpi: int = CHART_DPI) -> bytes:
    buf = _bytes_io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def chart_alts(
    ev: Evaluation, lang: str, trend: Sequence[str] | None = None
) -> dict[str, str]:
    """Alt texts of the four charts: what each shows, with the shown numbers."""
    f = Fmt(ev, lang)
    did = "; ".join(
        f"{trialdata.question_label(q.question, lang)}: "
        + (f.hidden() if q.did.suppressed else f"{f.num(q.did.estimate)} ({f.ci(q.did)})")
        for q in ev.survey
    ) or f.tr("no_survey")
    sick = f.tr("no_sickleave")
    if ev.sickleave is not None:
        s = ev.sickleave
        sick = "; ".join(
            f"{f.group(g)}: {f.cell(grp.baseline, 1, True)} → {f.cell(grp.during, 1, True)}"
            for g, grp in (("trial", s.trial), ("comparison", s.comparison))
        )
    home = "; ".join(
        f"{f.group(g)}: " + ", ".join(
            f"{h.days}: {f.hidden() if h.suppressed else h.count}"
            for h in ev.home_days if h.group == g and h.period == "during")
        for g in GROUPS
    )
    questions = ", ".join(trialdata.question_label(q, lang)
                          for q in (ev.questions if trend is None else trend))
    return {
        "trend": f.tr("alt_trend", questions=questions or "–"),
        "did": f.tr("alt_did", values=did),
        "sickleave": f.tr("alt_sickleave", values=sick),
        "home_days": f.tr("alt_home_days", values=home or "–"),
    }


def trend_questions(ev: Evaluation, followed: Sequence[str] = ()) -> list[str]:
    """The questions of the trend chart: those the trial's metrics follow, else all."""
    chosen = [q for q in ev.questions if q in set(followed)]
    return chosen or list(ev.questions)


def charts_html(ev: Evaluation, lang: str, followed: Sequence[str] = ()) -> str:
    """The four charts as PNG images with alt text and a caption; the trend chart shows
    the questions in ``followed`` (the survey metrics), else every question."""
    from hjemmekit import charts

    questions = trend_questions(ev, followed)
    figures = {
        "did": charts.did_figure(ev, lang=lang),
        "trend": charts.trend_figure(ev, questions, lang=lang),
        "sickleave": charts.sickleave_figure(ev, lang=lang),
        "home_days": charts.home_days_figure(ev, "during", lang=lang),
    }
    alts = chart_alts(ev, lang, questions)
    out = []
    for key, fig in figures.items():
        data = base64.b64encode(figure_png(fig)).decode("ascii")
        out.append(
            f"<figure class='hk-figure'><img src='data:image/png;base64,{data}' "
            f"alt='{esc(alts[key])}' style='max-width:100%;height:auto'>"
            f"<figcaption>{esc(t(f'trial.caption_{key}', lang))}</figcaption></figure>"
        )
    return "".join(out)


# --- The data panel ----------------------------------------------------------------------


def _soon(fn: Callable[[], None]) -> None:
    """Run ``fn`` after the current message is handled (so the step paints first); at once
    when no event loop runs (tests, scripts)."""
    try:
        loop = asyncio.get_event_loop()
    except RuntimeError:
        loop = None
    if loop is not None and loop.is_running():
        loop.call_soon(fn)
    else:
        fn()


class DataPanel(W.VBox):
    """Upload, validate and list a workbook's data files."""

    def __init__(
        self, session: Session, on_change: Callable[[], None] | None = None, data: Any = None,
    ) -> None:
        super().__init__(layout=W.Layout(width="100%"))
        self.session = session
        self.on_change = on_change
        self._given = data
        self.lang = session.lang
        self.trial_data: TrialData = trialdata.TrialData("none")
        self.upload = W.FileUpload(
            accept=".csv,.xlsx,.sav,.zsav", multiple=True, description=self.tr("upload"), icon="",
            layout=W.Layout(width="auto", align_self="flex-start"),
        )
        self.upload.observe(self._on_upload, names="value")
        self.message = W.HTML()
        self.source = W.HTML()
        self.files = W.HTML()
        self.remove_buttons: dict[str, W.Button] = {}
        self.remove_box = W.HBox(layout=W.Layout(flex_flow="row wrap"))
        from hjemmekit.widgets.survey_import import MappingPanel

        self.mapping = MappingPanel(session, on_imported=self._imported)
        self.children = [
            paragraph(self.tr("data_help")),
            paragraph(self.tr("data_names"), "hk-source"),
            paragraph(self.tr("data_exports"), "hk-source"),
            self.upload,
            self.message,
            self.mapping,
            self.source,
            self.files,
            self.remove_box,
        ]
        self.reload()

    def tr(self, key: str, **fields: object) -> str:
        return t(f"trial.{key}", self.lang, **fields)

    @property
    def data(self) -> Any:
        """The ``io.DataSet`` evaluated on (None when there are no data)."""
        return self.trial_data.data

    def reload(self) -> None:
        """Read the workbook's data again (its own files, else its example data); data
        given to the panel (a notebook's ``trialdata.load(path)``) are used until a file
        is uploaded or removed."""
        try:
            if self._given is not None:
                self.trial_data = trialdata.given(self._given)
            else:
                self.trial_data = trialdata.for_workbook(self.session.store,
                                                         self.session.workbook, self.lang)
        except Exception as e:  # noqa: BLE001 - never a traceback in the app
            self.trial_data = trialdata.TrialData("none")
            self.message.value = message_html(self.tr("data_failed", problem=str(e)),
                                              error=True)
        self._show()

    def _show(self) -> None:
        d = self.trial_data
        if d.source == "own":
            source = self.tr("source_own", count=len(d.files))
        elif d.source == "given":
            source = self.tr("source_given", count=len(d.files))
        elif d.source == "example":
            source = self.tr("source_example", name=d.example or "")
        else:
            source = self.tr("source_none")
        self.source.value = f"<p class='hk-help' role='status'>{esc(source)}</p>"
        if d.problems:
            self.source.value += problems_html(self.tr("stored_problems"), d.problems)
        rows = []
        for f in d.files:
            period = "–"
            if f.first is not None and f.last is not None:
                period = f"{day(f.first, self.lang)}–{day(f.last, self.lang)}"
            rows.append([f.name, self.tr(f"kind_{f.kind}"), number(f.rows, self.lang, 0),
                         "–" if f.units is None else number(f.units, self.lang, 0), period])
        self.files.value = table_html(
            self.tr("files_caption"),
            [self.tr("col_file"), self.tr("col_kind"), self.tr("col_rows"),
             self.tr("col_units"), self.tr("col_period")],
            rows,
        ) if rows else ""
        self.remove_buttons = {}
        if d.source == "own":
            for f in d.files:
                b = button(self.tr("remove_file", name=f.name), icon="")
                b.on_click(lambda _, k=f.kind: self.remove_file(k))
                self.remove_buttons[f.kind] = b
        self.remove_box.children = list(self.remove_buttons.values())

    def _on_upload(self, change: dict[str, Any]) -> None:
        files = change["new"]
        if not files:
            return
        too_big = upload_too_big(files, self.lang)
        if too_big:
            self.message.value = message_html(too_big, error=True)
            self.upload.value = ()
            return
        try:
            items = [(str(f["name"]), bytes(f["content"])) for f in files]
        except Exception as e:  # noqa: BLE001
            self.message.value = message_html(self.tr("data_failed", problem=str(e)),
                                              error=True)
            return
        self.add_files(items)
        self.upload.value = ()  # so the same file can be uploaded again

    def add_files(self, files: Sequence[tuple[str, bytes]]) -> list[Upload]:
        """Validate and keep each file; problems are listed in place, good files stored.

        A survey tool's export (SurveyXact, Forms, SPSS, Google Forms) is not stored as it
        is: it opens the mapping step (:class:`~hjemmekit.widgets.survey_import.
        MappingPanel`), one export at a time."""
        from hjemmekit.survey_import import split_uploads

        try:
            exports, files = split_uploads(files)
        except Exception:  # noqa: BLE001 - then every file goes the own-file way
            exports = []
        results: list[Upload] = []
        s = self.session
        for name, content in files:
            try:
                results.append(trialdata.add_file_to(s.store, s.workbook.id, name, content,
                                                     self.lang))
            except Exception as e:  # noqa: BLE001 - e.g. the disk is full, or read only
                problem = problem_text(e, self.lang)
                results.append(trialdata.Upload(
                    name, problems=[self.tr("upload_not_saved", name=name, problem=problem)]))
        good = [r for r in results if r.ok]
        bad = [r for r in results if not r.ok]
        html = ""
        if good:
            names = ", ".join(f"{r.name} ({self.tr('kind_' + str(r.kind))})" for r in good)
            html += message_html(self.tr("uploaded", count=len(good), names=names))
        for r in bad:
            html += problems_html(self.tr("upload_refused", name=r.name), r.problems)
        if len(exports) > 1:
            html += message_html(self.tr("one_export_at_a_time", names=", ".join(
                n for e in exports[1:] for n, _ in e)), error=True)  # fmt: skip
        self.message.value = html
        if exports:
            self.mapping.show_export(exports[0])
        if good:
            self._given = None
            self.reload()
            if self.on_change is not None:
                self.on_change()
        return results

    def _imported(self, done: Any) -> None:
        """After the mapping step stored a survey file: read the data again."""
        self.message.value = ""
        self._given = None
        self.reload()
        if self.on_change is not None:
            self.on_change()

    def remove_file(self, kind: str) -> bool:
        """Delete the workbook's file of ``kind`` (the example data come back if it was the
        last one)."""
        name = next((f.name for f in self.trial_data.files if f.kind == kind), kind)
        try:
            removed = trialdata.remove_file_from(self.session.store, self.session.workbook.id,
                                                 kind)
        except (OSError, StoreError) as e:
            self.message.value = message_html(self.tr("data_failed",
                                                      problem=problem_text(e, self.lang)),
                                              error=True)
            return False
        if removed:
            self.message.value = message_html(self.tr("removed", name=name))
            self._given = None
            self.reload()
            if self.on_change is not None:
                self.on_change()
        return removed


# --- The evaluation panel --------------------------------------------------------------------


class EvaluationPanel(W.VBox):
    """Runs the evaluation on the loaded data with the workbook's design and shows it:
    first what it showed for each goal in words, then whether it can be trusted, then
    the design and what is hidden, then the tables, the figures per unit and the charts,
    each folded (the charts are drawn when first unfolded)."""

    def __init__(self, session: Session, data: Callable[[], Any],
                 on_change: Callable[[], None] | None = None) -> None:
        super().__init__(layout=W.Layout(width="100%"))
        self.session = session
        self.lang = session.lang
        self._data = data
        self._on_change = on_change
        self.evaluation: Evaluation | None = None
        self.button = button(self.tr("evaluate"), button_style="primary", icon="")
        self.button.on_click(lambda _: self.evaluate())
        self.button.add_class(VIEW_ONLY)
        self.message = W.HTML()
        self.findings = W.HTML()
        self.checks = W.HTML()
        self.summary = W.HTML()
        self.hidden = W.HTML()
        self.survey = W.HTML()
        self.roles = W.HTML()
        self.sickleave = W.HTML()
        self.production = W.HTML()
        self.goals = W.HTML()
        self.wishes = W.HTML()
        self.dialogue = W.HTML()
        self.measure = W.Dropdown(description=self.tr("units_measure"), options=[])
        self.measure.add_class(STACKED)
        self.measure.add_class(VIEW_ONLY)
        self.measure.observe(lambda _: self._show_units(), names="value")
        self.units = W.HTML()
        self.charts = W.HTML()
        self._charts_of: Evaluation | None = None
        tr = self.tr
        self.tables_fold = Fold(tr("tables_show"), tr("tables_hide"), lambda: [
            heading(tr("survey_heading"), 4), self.survey,
            heading(tr("goals_heading"), 4), self.goals,
            heading(tr("sickleave_heading"), 4), self.sickleave,
            heading(tr("production_heading"), 4), self.production,
            heading(tr("roles_heading"), 4), self.roles,
            heading(tr("wishes_heading"), 4), self.wishes,
            heading(tr("dialogue_heading"), 4), self.dialogue,
        ])
        self.units_fold = Fold(tr("units_show"), tr("units_hide"), lambda: [
            paragraph(tr("unit_figures_help")), self.measure, self.units])
        self.charts_fold = Fold(tr("charts_show"), tr("charts_hide"), lambda: [self.charts],
                                on_open=self._charts_opened)
        self.results = W.VBox(layout=W.Layout(width="100%"))
        self.intro = paragraph(self.tr("evaluate_help"), layout=W.Layout())  # hidden later
        self.children = [
            self.intro,
            self.button,
            self.message,
            self.results,
        ]

    def tr(self, key: str, **fields: object) -> str:
        return t(f"trial.{key}", self.lang, **fields)

    def ready(self) -> bool:
        """Whether there are data and a complete design (periods and both groups)."""
        data = self._data()
        if data is None:
            return False
        try:
            design = trialdata.design_for(self.session.workbook, data)
        except Exception:  # noqa: BLE001 - not ready
            return False
        return bool(design.trial_units and design.comparison_units)

    def mark_stale(self) -> None:
        """Say that the design changed after the figures shown were computed."""
        if self.evaluation is not None:
            self.message.value = message_html(self.tr("stale"))

    def evaluate(self) -> Evaluation | None:
        """Evaluate and show the results; a problem is shown in place (None returned)."""
        from hjemmekit.evaluation import DesignError
        from hjemmekit.io import DataError

        data = self._data()
        if data is None:
            self._fail(self.tr("need_data"))
            return None
        try:
            ev = trialdata.evaluate(self.session.workbook, data)
        except DesignError as e:
            self._fail(self.tr("design_problem", problem=_design_text(str(e), self.lang)))
            return None
        except DataError as e:
            self.message.value = problems_html(self.tr("data_problem"),
                                               e.report.lines(self.lang))
            return None
        except Exception as e:  # noqa: BLE001 - never a traceback in the app
            self._fail(self.tr("evaluation_failed", problem=str(e)))
            return None
        self.evaluation = ev
        try:
            self._show(ev)
        except Exception as e:  # noqa: BLE001
            self._fail(self.tr("evaluation_failed", problem=str(e)))
            return ev
        warnings = warnings_text(ev, self.lang)
        self.message.value = message_html(self.tr("evaluated")) + "".join(
            f"<p class='hk-help'>{esc(w)}</p>" for w in warnings)
        if self._on_change is not None:
            self._on_change()
        return ev

    def _fail(self, text: str) -> None:
        self.evaluation = None
        self.message.value = message_html(text, error=True)
        self.results.children = []
        self.intro.layout.display = ""
        if self._on_change is not None:
            self._on_change()

    def _show(self, ev: Evaluation) -> None:
        from hjemmekit.goaltext import goal_name

        lang, d = self.lang, ev.design
        names = {g.id: goal_name(g, lang) for g in self.session.workbook.goals.goals}
        counts = {g: sum(1 for x in ev.groups.values() if x == g) for g in GROUPS}
        from hjemmekit.widgets.trial_results import checks_html, findings_html

        self.findings.value = findings_html(ev, lang)
        self.checks.value = checks_html(ev, lang)
        self.summary.value = (
            f"<h3 class='hk-h3'>{esc(self.tr('facts_heading'))}</h3><ul class='hk-facts'>"
            + "".join(f"<li>{esc(x)}</li>" for x in (
                self.tr("design_baseline", start=day(d.baseline[0], lang),
                        end=day(d.baseline[1], lang)),
                self.tr("design_trial", start=day(d.trial[0], lang),
                        end=day(d.trial[1], lang)),
                self.tr("design_units", trial=counts["trial"],
                        comparison=counts["comparison"]),
                self.tr("privacy_rule", k=d.min_answers, fte=number(d.min_fte, lang, 0)),
            )) + "</ul>")
        self.hidden.value = f"<p class='hk-hidden-line'>{esc(hidden_summary(ev, lang))}</p>"
        self.survey.value = survey_html(ev, lang)
        self.roles.value = roles_html(ev, lang)
        self.sickleave.value = sickleave_html(ev, lang)
        self.production.value = production_html(ev, lang)
        self.goals.value = goals_html(ev, lang, names)
        self.wishes.value = wishes_html(ev, lang)
        self.dialogue.value = dialogue_html(ev, lang)
        measures = unit_measures(ev)
        options = [(trialdata.question_label(m, lang) if m != "sickleave"
                    else self.tr("source_sickleave"), m) for m in measures]
        current = self.measure.value
        self.measure.options = options
        if measures:
            self.measure.value = current if current in measures else measures[0]
        self._show_units()
        self._charts_of = None
        if self.charts_fold.is_open:
            self._charts_opened()
        self.intro.layout.display = "none"
        self.results.children = [
            self.findings,
            self.checks,
            self.summary,
            self.hidden,
            heading(self.tr("details_heading")),
            paragraph(self.tr("details_help")),
            self.tables_fold,
            self.units_fold,
            self.charts_fold,
        ]

    def _charts_opened(self) -> None:
        """Draw the charts of the evaluation shown, unless they are drawn already."""
        ev = self.evaluation
        if ev is None or ev is self._charts_of:
            return
        self._charts_of = ev
        self.charts.value = f"<p class='hk-help' role='status'>{esc(self.tr('drawing'))}</p>"
        _soon(lambda: self._draw_charts(ev))

    def _draw_charts(self, ev: Evaluation) -> None:
        """Draw the four charts (after the tables have been shown)."""
        if ev is not self.evaluation:
            return
        followed = [m.name for m in self.session.workbook.trial.metrics if m.source == "survey"]
        try:
            self.charts.value = charts_html(ev, self.lang, followed)
        except Exception as e:  # noqa: BLE001 - never a traceback in the app
            self.charts.value = message_html(self.tr("charts_failed", problem=str(e)),
                                             error=True)

    def _show_units(self) -> None:
        ev = self.evaluation
        if ev is None or self.measure.value is None:
            self.units.value = ""
            return
        self.units.value = units_html(ev, self.measure.value, self.lang)


def _design_text(problem: str, lang: str) -> str:
    """The evaluation's design messages in the user's language where we know them."""
    known = {
        "the workbook has no baseline period (baseline_start/end)": "design_no_baseline",
        "the workbook has no trial period (start/end)": "design_no_trial",
        "the baseline and trial periods overlap": "design_overlap",
    }
    key = known.get(problem)
    return t(f"trial.{key}", lang) if key else problem
