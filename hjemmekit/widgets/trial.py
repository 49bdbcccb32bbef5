"""Step 5, "Tænk langsigtet – begynd med en forsøgsperiode og evaluér løbende".

Four parts (:data:`PARTS`), each built when first shown: **Design** defines the trial
(periods, review dates, trial and comparison units, data sources, metrics linked to step
2's goals, how big the trial must be, privacy thresholds); **Data** loads the files;
**Results** shows the evaluation, in words first; **Reflection and decision** holds the
guidance's reflection questions, the conclusions and the decision log. Every change goes
through :meth:`Session.edit`; refused input gets a message in place and leaves the
document as it was. The data and evaluation panels live in
:mod:`hjemmekit.widgets.trial_data`, the sentences, checks and trial size in
:mod:`hjemmekit.widgets.trial_results`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import ipywidgets as W
import traitlets

from hjemmekit.i18n import day, number, t
from hjemmekit.model import DATA_SOURCES, TRIAL_REFLECTIONS, Decision, Goal, Metric, Workbook
from hjemmekit.session import Session
from hjemmekit.widgets.base import (
    STACKED,
    VIEW_ONLY,
    StepView,
    esc,
    heading,
    message_html,
    paragraph,
    text,
)
from hjemmekit.widgets.trial_data import DataPanel, EvaluationPanel, _soon, button, table_html

PARTS = ("design", "data", "results", "reflection")
"""Step 5's parts, in the order a leader goes through them."""
PERIOD_FIELDS = ("baseline_start", "baseline_end", "start", "end")
MIN_ANSWERS, MIN_FTE = 3, 5.0
"""The lowest privacy thresholds allowed (the model refuses lower ones too)."""
MAX_NAME = 200
MEASURED = ("survey", "sickleave", "production", "dialogue")
"""Goal indicator kinds that a metric can follow (``other`` cannot)."""


class Refused(ValueError):
    """Input not passed on to the document; the message is for the user."""


# --- Plain helpers (no widgets) -------------------------------------------------------------


def period_problem(
    baseline_start: date | None, baseline_end: date | None, start: date | None,
    end: date | None,
) -> str | None:
    """The message key of what is wrong with the four dates, or None when they fit.

    Each period must end after it starts, and the baseline must lie before the trial.
    Missing dates are allowed (filled in later).
    """
    if baseline_start and baseline_end and baseline_end <= baseline_start:
        return "error_baseline_order"
    if start and end and end <= start:
        return "error_trial_order"
    last = baseline_end or baseline_start
    first = start or end
    if last and first and last >= first:
        return "error_baseline_after_trial"
    return None


def metric_for_goal(goal: Goal, lang: str) -> Metric | None:
    """The metric that follows a goal's indicator, pre-filled with its target."""
    from hjemmekit.goaltext import target_text

    kind = goal.indicator_kind
    if kind not in MEASURED:
        return None
    name = goal.indicator.strip() or ("sick_days" if kind == "sickleave" else "")
    if not name:
        return None
    return Metric(source=kind, name=name, goal_id=goal.id, target=target_text(goal, lang))


def offered_goals(wb: Workbook) -> list[Goal]:
    """Goals with an indicator that no metric follows yet."""
    linked = {m.goal_id for m in wb.trial.metrics if m.goal_id}
    return [g for g in wb.goals.goals
            if g.id not in linked and metric_for_goal(g, wb.language) is not None]


def _source_label(source: str, lang: str) -> str:
    return t(f"trial.source_{source}", lang)


def _metric_name(metric: Metric, lang: str) -> str:
    if metric.source == "survey":
        from hjemmekit.trialdata import question_label

        label = question_label(metric.name, lang)
        return label if label == metric.name else f"{label} ({metric.name})"
    if metric.source == "sickleave" and metric.name == "sick_days":
        return t("trial.sick_days", lang)
    from hjemmekit.widgets.trial_data import metric_label

    return metric_label(metric.name, lang)


# --- The view -------------------------------------------------------------------------------


class TrialView(StepView):
    """Step 5 in four parts a leader moves between: the trial's design (with how big it
    must be), its data, the results (in words first, then whether they can be trusted,
    then the tables, folded) and the reflection and decision.

    A part is built the first time it is shown (:meth:`show_part`); ``part`` names the
    part shown (the app's heading follows it). ``data``: an ``io.DataSet`` to evaluate on
    (e.g. ``trialdata.load(path)`` in a notebook) instead of the workbook's files, until a
    file is uploaded or removed. ``auto_evaluate``: evaluate with data and a complete
    design: ``"soon"`` when the results are first shown, after they have painted (at once
    without a running event loop); ``"now"`` at once; ``"off"`` only on the button.
    """

    step = "trial"
    part = traitlets.Unicode(PARTS[0])

    def __init__(self, session: Session, data: Any = None, auto_evaluate: str = "soon",
                 part: str = PARTS[0]) -> None:
        self._quiet = False
        self._given = data
        self._auto = auto_evaluate
        self._first_part = part if part in PARTS else PARTS[0]
        super().__init__(session)
        if auto_evaluate == "now" and self.evaluation_panel.ready():
            self.evaluate()

    # --- building ----------------------------------------------------------------------

    def build(self) -> list[W.Widget]:
        tr, s = self.tr, self.session
        self.data_panel = DataPanel(s, on_change=self._data_changed, data=self._given)
        self.evaluation_panel = EvaluationPanel(s, lambda: self.data_panel.data,
                                                on_change=self._evaluated)
        self.evaluate_button = self.evaluation_panel.button
        self.parts: dict[str, W.VBox] = {}
        self.part_buttons: dict[str, W.Button] = {}
        for p in PARTS:
            b = button(tr(f"trial.part_{p}"), tooltip=tr(f"trial.part_{p}_help"))
            b.add_class("hk-part-button")
            b.add_class(VIEW_ONLY)  # moving between parts works also when read-only
            b.on_click(lambda _, p=p: self.show_part(p))
            self.part_buttons[p] = b
        nav = W.HBox(list(self.part_buttons.values()),
                     layout=W.Layout(flex_flow="row wrap", width="100%"))
        nav.add_class("hk-parts")
        self.part_box = W.VBox(layout=W.Layout(width="100%"))
        self.show_part(self._first_part)
        return [
            paragraph(tr("steps.trial_intro")),
            W.HTML(self._guidance_html()),
            W.HTML(f"<p class='hk-parts-label'>{esc(tr('trial.parts_label'))}</p>"),
            nav,
            self.part_box,
        ]

    def show_part(self, part: str, focus: bool = False) -> W.VBox:
        """Show one part (building it the first time); ``focus`` puts the keyboard focus
        on its button in the row of parts (after "Videre til …" at a part's end)."""
        if part not in PARTS:
            raise ValueError(f"no part {part!r}")
        box = self.parts.get(part)
        if box is None:
            box = W.VBox(getattr(self, f"_build_{part}_part")(),
                         layout=W.Layout(width="100%"))
            box.add_class("hk-part")
            box.add_class(f"hk-part-{part}")
            self.parts[part] = box
        for p, b in self.part_buttons.items():
            if p == part:
                b.add_class("hk-current")
                b.button_style = "primary"
            else:
                b.remove_class("hk-current")
                b.button_style = ""
        self.part_box.children = [box]
        self.part = part
        if focus:
            self.part_buttons[part].focus()
        if part == "results" and self.evaluation is None and self._auto == "soon" and (
                self.evaluation_panel.ready()):
            _soon(self._auto_evaluate)
        return box

    def _onward(self, part: str) -> W.Widget:
        """A part's last button: on to the next part (the focus goes with it)."""
        nxt = PARTS[PARTS.index(part) + 1]
        b = button(self.tr("trial.part_onward", part=self.tr(f"trial.part_{nxt}")))
        b.add_class("hk-onward")
        b.add_class(VIEW_ONLY)
        b.on_click(lambda _: self.show_part(nxt, focus=True))
        return b

    def _build_design_part(self) -> list[W.Widget]:
        tr = self.tr
        self._build_periods()
        self._build_reviews()
        self.units_box = W.VBox()
        self.units_message = W.HTML()
        self._fill_units()
        self._build_sources()
        self.metrics_box = W.VBox()
        self.metrics_message = W.HTML()
        self._fill_metrics()
        self._build_size()
        self._build_privacy()
        return [
            paragraph(tr("trial.part_design_intro")),
            heading(tr("trial.periods_heading")),
            paragraph(tr("trial.periods_help")),
            self.period_box,
            self.period_message,
            heading(tr("trial.reviews_heading"), 4),
            paragraph(tr("trial.reviews_help")),
            self.reviews_box,
            heading(tr("trial.units_heading")),
            paragraph(tr("trial.units_help")),
            self.units_box,
            self.units_message,
            heading(tr("trial.sources_heading")),
            paragraph(tr("trial.sources_help")),
            W.VBox(list(self.sources.values())),
            self.sources_message,
            heading(tr("trial.metrics_heading")),
            paragraph(tr("trial.metrics_help")),
            self.metrics_box,
            self.metrics_message,
            heading(tr("trial.size_heading")),
            paragraph(tr("trial.size_help")),
            self.size_box,
            heading(tr("trial.privacy_heading")),
            self.privacy_rule,
            W.HBox([self.min_answers, self.min_fte], layout=W.Layout(flex_flow="row wrap")),
            self.privacy_message,
            self._onward("design"),
        ]

    def _build_data_part(self) -> list[W.Widget]:
        return [self.data_panel, self._onward("data")]

    def _build_results_part(self) -> list[W.Widget]:
        return [self.evaluation_panel, self._onward("results")]

    def _build_reflection_part(self) -> list[W.Widget]:
        tr, s = self.tr, self.session
        self._build_reflections()
        self.conclusions = text(
            s, tr("trial.conclusions"), lambda wb: wb.trial.conclusions,
            lambda wb, v: setattr(wb.trial, "conclusions", v), multiline=True, rows=8,
        )
        self._build_decisions()
        self.reflection_findings = W.HTML(self._findings_reminder())
        return [
            self.reflection_findings,
            heading(tr("trial.reflections_heading")),
            paragraph(tr("trial.reflections_help")),
            *self.reflections.values(),
            paragraph(tr("trial.guidance_source"), "hk-source"),
            heading(tr("trial.conclusions_heading")),
            paragraph(tr("trial.conclusions_help")),
            self.conclusions,
            heading(tr("trial.decisions_heading")),
            paragraph(tr("trial.decisions_help")),
            self.decision_form,
            self.decision_message,
            self.decision_log,
        ]

    def _guidance_html(self) -> str:
        tr = self.tr
        return (
            f"<details><summary>{esc(tr('trial.guidance_summary'))}</summary>"
            f"<blockquote class='hk-quote'>{esc(tr('trial.guidance_quote'))}</blockquote>"
            f"<p class='hk-source'>{esc(tr('trial.guidance_source'))}</p></details>"
        )

    def _date(self, key: str, value: date | None) -> W.DatePicker:
        w = W.DatePicker(description=self.tr(f"trial.{key}"), value=value,
                         style={"description_width": "initial"})
        return w

    def _build_periods(self) -> None:
        tr_ = self.session.workbook.trial
        self.baseline_start = self._date("baseline_start", tr_.baseline_start)
        self.baseline_end = self._date("baseline_end", tr_.baseline_end)
        self.trial_start = self._date("start", tr_.start)
        self.trial_end = self._date("end", tr_.end)
        for w in self._period_widgets():
            w.observe(lambda _: self.save_periods(), names="value")
        self.period_message = W.HTML()
        row = W.Layout(flex_flow="row wrap", align_items="center")
        self.period_box = W.VBox([
            W.HBox([self.baseline_start, self.baseline_end], layout=row),
            W.HBox([self.trial_start, self.trial_end], layout=row),
        ])

    def _period_widgets(self) -> tuple[W.DatePicker, ...]:
        return (self.baseline_start, self.baseline_end, self.trial_start, self.trial_end)

    def _build_reviews(self) -> None:
        self.review_date = self._date("review_date", None)
        self.add_review_button = button(self.tr("trial.add_review"), icon="")
        self.add_review_button.on_click(lambda _: self.add_review_date(self.review_date.value))
        self.review_message = W.HTML()
        self.review_list = W.HTML()
        self.review_buttons = W.HBox(layout=W.Layout(flex_flow="row wrap"))
        self.reviews_box = W.VBox([
            self.review_list, self.review_buttons,
            W.HBox([self.review_date, self.add_review_button],
                   layout=W.Layout(flex_flow="row wrap", align_items="center")),
            self.review_message,
        ])
        self._fill_reviews()

    def _fill_reviews(self) -> None:
        lang = self.session.lang
        dates = self.session.workbook.trial.review_dates
        if dates:
            items = "".join(f"<li>{esc(day(d, lang, 'long'))}</li>" for d in dates)
            self.review_list.value = (
                f"<p class='hk-h4'>{esc(self.tr('trial.reviews_list'))}</p><ul>{items}</ul>")
        else:
            self.review_list.value = f"<p class='hk-help'>{esc(self.tr('trial.no_reviews'))}</p>"
        self.remove_review_buttons: dict[date, W.Button] = {}
        for d in dates:
            b = button(self.tr("trial.remove_review", date=day(d, lang)), icon="")
            b.on_click(lambda _, d=d: self.remove_review_date(d))
            self.remove_review_buttons[d] = b
        self.review_buttons.children = list(self.remove_review_buttons.values())

    def _fill_units(self) -> None:
        """(Re)build the unit lists: the units in the data, and any already chosen."""
        from hjemmekit import trialdata

        tr, wb = self.tr, self.session.workbook
        data = self.data_panel.data
        in_data = trialdata.unit_names(data) if data is not None else []
        chosen = [*wb.trial.trial_units, *wb.trial.comparison_units]
        extra = [u for u in dict.fromkeys(chosen) if u not in in_data]
        options = [(u, u) for u in in_data] + [
            (tr("trial.unit_not_in_data", unit=u) if in_data else u, u) for u in extra]
        self.unit_options = [v for _, v in options]
        rows = max(4, min(14, len(options)))
        self.trial_units = W.SelectMultiple(
            description=tr("trial.trial_units"), options=options,
            value=tuple(wb.trial.trial_units), rows=rows, layout=W.Layout(width="48%"),
        )
        self.comparison_units = W.SelectMultiple(
            description=tr("trial.comparison_units"), options=options,
            value=tuple(wb.trial.comparison_units), rows=rows, layout=W.Layout(width="48%"),
        )
        for w, attr in ((self.trial_units, "trial_units"),
                        (self.comparison_units, "comparison_units")):
            w.add_class(STACKED)
            w.observe(lambda c, a=attr: self._units_changed(a, c["new"]), names="value")
        trial_g, comparison_g = trialdata.groups_from_units(data)
        self.use_groups_button = button(
            description=tr("trial.use_group_column"), icon="",
            disabled=not (trial_g or comparison_g),
        )
        self.use_groups_button.on_click(lambda _: self.use_group_column())
        self.new_unit = W.Text(description=tr("trial.new_unit"), layout=W.Layout(width="100%"))
        self.new_unit.add_class(STACKED)
        self.add_trial_unit = button(tr("trial.add_to_trial"), icon="")
        self.add_trial_unit.on_click(lambda _: self.add_unit(self.new_unit.value, "trial_units"))
        self.add_comparison_unit = button(tr("trial.add_to_comparison"), icon="")
        self.add_comparison_unit.on_click(
            lambda _: self.add_unit(self.new_unit.value, "comparison_units"))
        self.units_count = W.HTML(self._units_count())
        help_key = "trial.units_from_data" if in_data else "trial.units_no_data"
        self.units_box.children = [
            paragraph(tr(help_key)),
            W.HBox([self.trial_units, self.comparison_units],
                   layout=W.Layout(justify_content="space-between", flex_flow="row wrap")),
            self.units_count,
            self.use_groups_button,
            W.HBox([self.new_unit, self.add_trial_unit, self.add_comparison_unit],
                   layout=W.Layout(align_items="flex-end", flex_flow="row wrap")),
        ]

    def _units_count(self) -> str:
        tr_ = self.session.workbook.trial
        count = self.tr("trial.units_count", trial=len(tr_.trial_units),
                        comparison=len(tr_.comparison_units))
        return f"<p class='hk-help' role='status'>{esc(count)}</p>"

    def _build_sources(self) -> None:
        s = self.session
        self.sources: dict[str, W.Checkbox] = {}
        self.sources_message = W.HTML()
        for src in DATA_SOURCES:
            box = W.Checkbox(description=self.tr(f"trial.source_{src}_long"), indent=False,
                             value=src in s.workbook.trial.data_sources,
                             layout=W.Layout(width="auto"))
            box.observe(lambda c, k=src: self.set_source(k, c["new"]), names="value")
            self.sources[src] = box

    def _fill_metrics(self) -> None:
        tr, s, lang = self.tr, self.session, self.session.lang
        wb = s.workbook
        from hjemmekit.goaltext import goal_name

        goals = {g.id: g for g in wb.goals.goals}
        cards: list[W.Widget] = []
        self.metric_targets: dict[str, W.Text] = {}
        self.remove_metric_buttons: dict[str, W.Button] = {}
        for m in wb.trial.metrics:
            name = _metric_name(m, lang)
            goal = goals.get(m.goal_id or "")
            title = tr("trial.metric_title", source=_source_label(m.source, lang), name=name)
            linked = (tr("trial.metric_goal", goal=goal_name(goal, lang)) if goal
                      else tr("trial.metric_no_goal"))
            target = W.Text(description=tr("trial.metric_target", name=name), value=m.target,
                            continuous_update=True, layout=W.Layout(width="100%"))
            target.add_class(STACKED)
            target.observe(lambda c, mid=m.id: self._set_metric_target(mid, c["new"]),
                           names="value")
            remove = button(tr("trial.remove_metric", name=name), icon="")
            remove.on_click(lambda _, mid=m.id: self.remove_metric(mid))
            self.metric_targets[m.id] = target
            self.remove_metric_buttons[m.id] = remove
            card = W.VBox([
                W.HTML(f"<p class='hk-h4'>{esc(title)}</p><p class='hk-help'>{esc(linked)}</p>"),
                target, remove,
            ])
            card.add_class("hk-card")
            cards.append(card)
        if not cards:
            cards.append(paragraph(tr("trial.no_metrics")))
        offered = offered_goals(wb)
        self.goal_metric_buttons: dict[str, W.Button] = {}
        for g in offered:
            b = button(tr("trial.add_goal_metric", goal=goal_name(g, lang)),
                         icon="")
            b.on_click(lambda _, gid=g.id: self.add_metrics_from_goals([gid]))
            self.goal_metric_buttons[g.id] = b
        self.metrics_from_goals_button = button(
            description=tr("trial.add_goal_metrics"), icon="", disabled=not offered)
        self.metrics_from_goals_button.on_click(lambda _: self.add_metrics_from_goals())
        offer = (tr("trial.offer_goals", count=len(offered)) if offered
                 else tr("trial.offer_none") if wb.goals.goals else tr("trial.offer_no_goals"))
        # An own metric.
        self.metric_source = W.Dropdown(
            description=tr("trial.metric_source"),
            options=[(_source_label(x, lang), x) for x in DATA_SOURCES], value="survey",
        )
        self.metric_name = W.Combobox(
            description=tr("trial.metric_name"), placeholder=tr("trial.metric_name_placeholder"),
            options=self._name_options(), ensure_option=False, layout=W.Layout(width="100%"),
        )
        self.metric_target = W.Text(description=tr("trial.metric_new_target"),
                                    layout=W.Layout(width="100%"))
        for w in (self.metric_source, self.metric_name, self.metric_target):
            w.add_class(STACKED)
        self.add_metric_button = button(tr("trial.add_metric"), icon="")
        self.add_metric_button.on_click(lambda _: self.add_metric(
            self.metric_source.value, self.metric_name.value, self.metric_target.value))
        self.metrics_box.children = [
            *cards,
            W.HTML(f"<p class='hk-h4'>{esc(tr('trial.from_goals_heading'))}</p>"),
            paragraph(offer),
            W.HBox([self.metrics_from_goals_button, *self.goal_metric_buttons.values()],
                   layout=W.Layout(flex_flow="row wrap")),
            W.HTML(f"<p class='hk-h4'>{esc(tr('trial.own_metric_heading'))}</p>"),
            W.HBox([self.metric_source, self.metric_name, self.metric_target],
                   layout=W.Layout(align_items="flex-end")),
            self.add_metric_button,
        ]

    def _name_options(self) -> list[str]:
        data = self.data_panel.data
        out: list[str] = list(getattr(data, "questions", None) or [])
        prod = getattr(data, "production", None)
        if prod is not None and "metric" in prod:
            out += [str(x) for x in prod["metric"].dropna().unique()]
        return list(dict.fromkeys(out))

    def _build_privacy(self) -> None:
        p = self.session.workbook.trial.privacy
        self.privacy_rule = W.HTML()
        self.min_answers = W.IntText(description=self.tr("trial.min_answers"),
                                     value=p.min_answers, style={"description_width": "initial"})
        self.min_fte = W.FloatText(description=self.tr("trial.min_fte"), value=p.min_fte,
                                   step=1, style={"description_width": "initial"})
        self.min_answers.observe(lambda c: self.set_privacy("min_answers", c["new"]),
                                 names="value")
        self.min_fte.observe(lambda c: self.set_privacy("min_fte", c["new"]), names="value")
        self.privacy_message = W.HTML()
        self._show_privacy_rule()

    def _show_privacy_rule(self) -> None:
        p, lang = self.session.workbook.trial.privacy, self.session.lang
        rule = self.tr("trial.privacy_plain", k=p.min_answers, fte=number(p.min_fte, lang, 0))
        limits = self.tr("trial.privacy_limits", k=MIN_ANSWERS, fte=number(MIN_FTE, lang, 0))
        self.privacy_rule.value = (
            f"<p class='hk-help'>{esc(rule)}</p><p class='hk-help'>{esc(limits)}</p>")

    def _build_size(self) -> None:
        """How big the trial must be: the expected response rate and survey waves (saved
        in ``trial.size``), and what they mean for the smallest detectable effect."""
        size = self.session.workbook.trial.size
        self.response_rate = W.BoundedIntText(
            description=self.tr("trial.size_response_rate"), min=5, max=100, step=5,
            value=round(size.response_rate * 100), layout=W.Layout(width="auto"),
        )
        self.waves_baseline = W.BoundedIntText(
            description=self.tr("trial.size_waves_baseline"), min=1, max=36,
            layout=W.Layout(width="auto"))
        self.waves_trial = W.BoundedIntText(
            description=self.tr("trial.size_waves_trial"), min=1, max=36,
            layout=W.Layout(width="auto"))
        self._sync_waves()
        for w in (self.response_rate, self.waves_baseline, self.waves_trial):
            w.add_class(STACKED)
        self.response_rate.observe(
            lambda c: self.set_size(response_rate=c["new"] / 100), names="value")
        self.waves_baseline.observe(lambda c: self.set_size(waves_baseline=c["new"]),
                                    names="value")
        self.waves_trial.observe(lambda c: self.set_size(waves_trial=c["new"]), names="value")
        self.size_message = W.HTML()
        self.size_result = W.HTML()
        self.size_box = W.VBox([
            paragraph(self.tr("trial.size_inputs_help")),
            W.HBox([self.response_rate, self.waves_baseline, self.waves_trial],
                   layout=W.Layout(flex_flow="row wrap", align_items="flex-end")),
            self.size_message,
            self.size_result,
        ])
        self.size_box.add_class("hk-card")
        # After the part has painted: it reads the baseline answers (pandas), which would
        # slow down opening the step.
        self.size_result.value = message_html(self.tr("trial.size_computing"))
        _soon(self._show_size)

    def set_size(self, **values: Any) -> bool:
        """Save the expected response rate (0-1) and/or the waves per period."""
        if self._quiet:
            return False

        def change(wb: Workbook) -> None:
            for k, v in values.items():
                setattr(wb.trial.size, k, v)

        if not self._edit(self.size_message, change):
            return False
        self.size_message.value = ""
        self._show_size()
        return True

    def _design_changed(self) -> None:
        """The figures shown were computed on another design; the trial size follows."""
        self.evaluation_panel.mark_stale()
        self._show_size()

    def _sync_waves(self) -> None:
        """Show the planned waves: as saved, else one a month of each period (the figure
        the trial size uses until the user sets one)."""
        from hjemmekit.power import months_between

        tr_ = self.session.workbook.trial
        self._quiet = True
        try:
            self.waves_baseline.value = tr_.size.waves_baseline or months_between(
                tr_.baseline_start, tr_.baseline_end) or 3
            self.waves_trial.value = tr_.size.waves_trial or months_between(
                tr_.start, tr_.end) or 6
        finally:
            self._quiet = False

    def _show_size(self) -> None:
        from hjemmekit.widgets.trial_results import size_html

        try:
            self.size_result.value = size_html(
                self.session.workbook, self.data_panel.data, self.session.lang)
        except Exception as e:  # noqa: BLE001 - never a traceback in the app
            self.size_result.value = message_html(
                self.tr("trial.size_failed", problem=str(e)), error=True)

    def _findings_reminder(self) -> str:
        """The results in words above the reflection questions (once evaluated)."""
        from hjemmekit.widgets.trial_results import findings_html

        ev = self.evaluation
        if ev is None:
            return message_html(self.tr("trial.reflection_no_results"))
        return findings_html(ev, self.session.lang)

    def _build_reflections(self) -> None:
        s, tr = self.session, self.tr
        self.reflections: dict[str, W.Textarea] = {}
        for key in TRIAL_REFLECTIONS:
            w = text(
                s, tr(f"trial.reflection_{key}"),
                lambda wb, k=key: wb.trial.reflections.get(k, ""), _reflection_setter(key),
                multiline=True, rows=3,
            )
            self.reflections[key] = w

    def _build_decisions(self) -> None:
        tr = self.tr
        self.decision_date = self._date("decision_date", date.today())
        self.decision_text = W.Text(description=tr("trial.decision_text"),
                                    layout=W.Layout(width="100%"))
        self.decision_by = W.Text(description=tr("trial.decision_by"),
                                  layout=W.Layout(width="100%"))
        self.decision_why = W.Textarea(description=tr("trial.decision_why"), rows=3,
                                       layout=W.Layout(width="100%"))
        for w in (self.decision_text, self.decision_by, self.decision_why):
            w.add_class(STACKED)
        self.add_decision_button = button(tr("trial.add_decision"), icon="")
        self.add_decision_button.on_click(lambda _: self.add_decision())
        self.decision_form = W.VBox([self.decision_date, self.decision_text, self.decision_by,
                                     self.decision_why, self.add_decision_button])
        self.decision_form.add_class("hk-card")
        self.decision_message = W.HTML()
        self.decision_log = W.HTML(self._decision_log_html())

    def _decision_log_html(self) -> str:
        lang = self.session.lang
        decisions = self.session.workbook.decisions
        if not decisions:
            return f"<p class='hk-help'>{esc(self.tr('trial.no_decisions'))}</p>"
        rows = [[day(d.date, lang), d.decision, d.by or "–", d.why or "–"] for d in decisions]
        return table_html(self.tr("trial.log_caption"),
                          [self.tr("trial.col_date"), self.tr("trial.col_decision"),
                           self.tr("trial.col_by"), self.tr("trial.col_why")], rows)

    # --- messages ----------------------------------------------------------------------

    def _say(self, widget: W.HTML, kind: str, text_: str) -> None:
        widget.value = message_html(text_, error=kind == "error")

    def _failed(self, widget: W.HTML) -> bool:
        problem = dict(self.session.status.fields).get("problem", "")
        self._say(widget, "error", self.tr("trial.error_not_saved", problem=problem))
        return False

    def _edit(self, widget: W.HTML, change: Callable[[Workbook], object], *,
              typing: bool = False) -> bool:
        """``session.edit`` with the refusal shown in ``widget``; never raises."""
        try:
            ok = self.session.edit(change, typing=typing)
        except Exception as e:  # noqa: BLE001 - never a traceback in the app
            self._say(widget, "error", self.tr("trial.error_not_saved", problem=str(e)))
            return False
        return ok or self._failed(widget)

    # --- periods -------------------------------------------------------------------------

    def save_periods(self) -> bool:
        """Save the four dates as shown, when they fit together; else say why."""
        if self._quiet:
            return False
        values = [w.value for w in self._period_widgets()]
        problem = period_problem(*values)
        if problem:
            self._say(self.period_message, "error", self.tr(f"trial.{problem}"))
            return False

        def change(wb: Workbook) -> None:
            for attr, v in zip(PERIOD_FIELDS, values, strict=True):
                setattr(wb.trial, attr, v)

        if not self._edit(self.period_message, change):
            return False
        self.period_message.value = ""
        self._sync_waves()
        self._design_changed()
        return True

    def add_review_date(self, when: date | None) -> bool:
        """Add a review date (kept sorted); an empty or repeated date is refused."""
        try:
            if when is None:
                raise Refused(self.tr("trial.error_review_empty"))
            if when in self.session.workbook.trial.review_dates:
                raise Refused(self.tr("trial.error_review_taken",
                                      date=day(when, self.session.lang)))
        except Refused as e:
            self._say(self.review_message, "error", str(e))
            return False

        def change(wb: Workbook) -> None:
            wb.trial.review_dates = sorted([*wb.trial.review_dates, when])

        if not self._edit(self.review_message, change):
            return False
        self._say(self.review_message, "status",
                  self.tr("trial.review_added", date=day(when, self.session.lang)))
        self.review_date.value = None
        self._fill_reviews()
        return True

    def remove_review_date(self, when: date) -> bool:
        if when not in self.session.workbook.trial.review_dates:
            return False
        if not self._edit(self.review_message, lambda wb: setattr(
                wb.trial, "review_dates", [d for d in wb.trial.review_dates if d != when])):
            return False
        self._say(self.review_message, "status",
                  self.tr("trial.review_removed", date=day(when, self.session.lang)))
        self._fill_reviews()
        return True

    # --- units ---------------------------------------------------------------------------

    def _units_changed(self, attr: str, value: tuple[str, ...]) -> None:
        if self._quiet:
            return
        self.set_units(attr, list(value))

    def set_units(self, attr: str, units: list[str]) -> bool:
        """Set the trial (``"trial_units"``) or comparison units; a unit in both groups is
        refused and the list shown as saved."""
        tr_ = self.session.workbook.trial
        other = "comparison_units" if attr == "trial_units" else "trial_units"
        both = [u for u in units if u in getattr(tr_, other)]
        order = {u: i for i, u in enumerate(self.unit_options)}
        units = sorted(dict.fromkeys(units), key=lambda u: order.get(u, len(order)))
        if both:
            key = "trial.error_in_comparison" if attr == "trial_units" else "trial.error_in_trial"
            self._say(self.units_message, "error", self.tr(key, units=", ".join(both)))
            self._sync_units()
            return False
        if not self._edit(self.units_message, lambda wb: setattr(wb.trial, attr, units)):
            self._sync_units()
            return False
        self.units_message.value = ""
        self.units_count.value = self._units_count()
        self._design_changed()
        return True

    def _sync_units(self) -> None:
        """Show the saved unit lists again (after a refusal)."""
        tr_ = self.session.workbook.trial
        self._quiet = True
        try:
            self.trial_units.value = tuple(u for u in tr_.trial_units if u in self.unit_options)
            self.comparison_units.value = tuple(
                u for u in tr_.comparison_units if u in self.unit_options)
        finally:
            self._quiet = False

    def use_group_column(self) -> bool:
        """Take the trial and comparison units from the units file's ``group`` column."""
        from hjemmekit import trialdata

        trial, comparison = trialdata.groups_from_units(self.data_panel.data)
        if not (trial or comparison):
            self._say(self.units_message, "error", self.tr("trial.error_no_group_column"))
            return False

        def change(wb: Workbook) -> None:
            wb.trial.trial_units = trial
            wb.trial.comparison_units = comparison

        if not self._edit(self.units_message, change):
            return False
        self._fill_units()
        self._say(self.units_message, "status", self.tr(
            "trial.groups_taken", trial=len(trial), comparison=len(comparison)))
        self._design_changed()
        return True

    def add_unit(self, name: str, attr: str) -> bool:
        """Add a unit by name (also one not in the data) to the trial or comparison group."""
        name = name.strip()
        tr_ = self.session.workbook.trial
        other = "comparison_units" if attr == "trial_units" else "trial_units"
        try:
            if not name:
                raise Refused(self.tr("trial.error_unit_empty"))
            if len(name) > MAX_NAME:
                raise Refused(self.tr("trial.error_too_long", max=MAX_NAME))
            if name in getattr(tr_, other):
                key = ("trial.error_in_comparison" if attr == "trial_units"
                       else "trial.error_in_trial")
                raise Refused(self.tr(key, units=name))
        except Refused as e:
            self._say(self.units_message, "error", str(e))
            return False
        if name in getattr(tr_, attr):
            self._say(self.units_message, "status", self.tr("trial.unit_already", unit=name))
            return True
        if not self._edit(self.units_message, lambda wb: getattr(wb.trial, attr).append(name)):
            return False
        self._fill_units()
        self._say(self.units_message, "status", self.tr(f"trial.unit_added_{attr}", unit=name))
        self._design_changed()
        return True

    # --- data sources, metrics, privacy -----------------------------------------------------

    def set_source(self, source: str, on: bool) -> bool:
        def change(wb: Workbook) -> None:
            chosen = set(wb.trial.data_sources)
            if on:
                chosen.add(source)
            else:
                chosen.discard(source)
            wb.trial.data_sources = [x for x in DATA_SOURCES if x in chosen]

        return self._edit(self.sources_message, change)

    def add_metrics_from_goals(self, goal_ids: list[str] | None = None) -> int:
        """Add one metric per goal with an indicator (all offered, or those in ``goal_ids``)."""
        wb, lang = self.session.workbook, self.session.lang
        goals = [g for g in offered_goals(wb) if goal_ids is None or g.id in goal_ids]
        new = [m for g in goals if (m := metric_for_goal(g, lang)) is not None]
        if not new:
            self._say(self.metrics_message, "status", self.tr("trial.offer_none"))
            return 0
        if not self._edit(self.metrics_message, lambda w: w.trial.metrics.extend(new)):
            return 0
        self._fill_metrics()
        self._say(self.metrics_message, "status",
                  self.tr("trial.metrics_added", count=len(new)))
        return len(new)

    def add_metric(self, source: str, name: str, target: str = "") -> bool:
        """Add an own metric; an empty name is refused (sick leave needs none)."""
        name = (name or "").strip() or ("sick_days" if source == "sickleave" else "")
        try:
            if source not in DATA_SOURCES:
                raise Refused(self.tr("trial.error_metric_source"))
            if not name:
                raise Refused(self.tr("trial.error_metric_empty"))
            if len(name) > MAX_NAME or len(target) > 2_000:
                raise Refused(self.tr("trial.error_too_long", max=MAX_NAME))
            if any(m.source == source and m.name == name
                   for m in self.session.workbook.trial.metrics):
                raise Refused(self.tr("trial.error_metric_taken", name=name))
        except Refused as e:
            self._say(self.metrics_message, "error", str(e))
            return False
        metric = Metric(source=source, name=name, target=target.strip())  # type: ignore[arg-type]
        if not self._edit(self.metrics_message, lambda wb: wb.trial.metrics.append(metric)):
            return False
        self._fill_metrics()
        self._say(self.metrics_message, "status", self.tr("trial.metric_added", name=name))
        return True

    def remove_metric(self, metric_id: str) -> bool:
        metrics = self.session.workbook.trial.metrics
        metric = next((m for m in metrics if m.id == metric_id), None)
        if metric is None:
            return False
        if not self._edit(self.metrics_message, lambda wb: setattr(
                wb.trial, "metrics", [m for m in wb.trial.metrics if m.id != metric_id])):
            return False
        self._fill_metrics()
        self._say(self.metrics_message, "status", self.tr(
            "trial.metric_removed", name=_metric_name(metric, self.session.lang)))
        return True

    def _set_metric_target(self, metric_id: str, value: str) -> None:
        if len(value) > 2_000:
            self._say(self.metrics_message, "error", self.tr("trial.error_too_long", max=2_000))
            return

        def change(wb: Workbook) -> None:
            for m in wb.trial.metrics:
                if m.id == metric_id:
                    m.target = value

        self._edit(self.metrics_message, change, typing=True)

    def set_privacy(self, attr: str, value: Any) -> bool:
        """Raise (or lower, not below 3 answers / 5 årsværk) a privacy threshold."""
        if self._quiet:
            return False
        lang = self.session.lang
        lowest = MIN_ANSWERS if attr == "min_answers" else MIN_FTE
        try:
            v = float(value)
            if v != v or v < lowest:  # NaN or too low
                raise Refused(self.tr(f"trial.error_{attr}", value=number(v, lang, 0) if v == v
                                      else str(value), lowest=number(lowest, lang, 0)))
            if v > 1_000_000:
                raise Refused(self.tr("trial.error_privacy_high"))
        except (Refused, TypeError, ValueError) as e:
            text_ = str(e) if isinstance(e, Refused) else self.tr("trial.error_privacy_high")
            self._say(self.privacy_message, "error", text_)
            self._sync_privacy()
            return False
        new: int | float = int(v) if attr == "min_answers" else v
        if not self._edit(self.privacy_message,
                          lambda wb: setattr(wb.trial.privacy, attr, new)):
            self._sync_privacy()
            return False
        self.privacy_message.value = ""
        self._show_privacy_rule()
        self._design_changed()
        return True

    def _sync_privacy(self) -> None:
        p = self.session.workbook.trial.privacy
        self._quiet = True
        try:
            self.min_answers.value = p.min_answers
            self.min_fte.value = p.min_fte
        finally:
            self._quiet = False

    # --- data and evaluation ---------------------------------------------------------------

    def _data_changed(self) -> None:
        """New or removed data files: offer their units, and evaluate again when ready
        (at once when the results have been shown, else when they are)."""
        if "design" in self.parts:
            self._fill_units()
            self.metric_name.options = self._name_options()
            self._show_size()
        if "results" in self.parts and self.evaluation_panel.ready():
            self.evaluate()

    def _auto_evaluate(self) -> None:
        try:
            self.evaluate()
        except Exception:  # noqa: BLE001 - a background run never shows a traceback
            pass

    def evaluate(self) -> Any:
        """Run the evaluation and show it (same as the "Beregn evaluering" button)."""
        return self.evaluation_panel.evaluate()

    def _evaluated(self) -> None:
        """A new evaluation (or none): the reminder above the reflections follows it."""
        if "reflection" in self.parts:
            self.reflection_findings.value = self._findings_reminder()

    @property
    def evaluation(self) -> Any:
        """The evaluation shown (``hjemmekit.evaluation.Evaluation``), or None."""
        return self.evaluation_panel.evaluation

    # --- decisions --------------------------------------------------------------------------

    def add_decision(self) -> bool:
        """Add an entry to the decision log from the form; an empty decision is refused."""
        when = self.decision_date.value
        decision = self.decision_text.value.strip()
        by = self.decision_by.value.strip()
        why = self.decision_why.value.strip()
        try:
            if not decision:
                raise Refused(self.tr("trial.error_decision_empty"))
            if when is None:
                raise Refused(self.tr("trial.error_decision_date"))
            if len(decision) > 2_000 or len(by) > MAX_NAME or len(why) > 20_000:
                raise Refused(self.tr("trial.error_too_long", max=2_000))
        except Refused as e:
            self._say(self.decision_message, "error", str(e))
            return False
        entry = Decision(date=when, decision=decision, by=by, why=why)
        if not self._edit(self.decision_message, lambda wb: wb.decisions.append(entry)):
            return False
        self.decision_text.value = self.decision_by.value = self.decision_why.value = ""
        self.decision_log.value = self._decision_log_html()
        self._say(self.decision_message, "status", self.tr("trial.decision_added"))
        return True


def _reflection_setter(key: str) -> Callable[[Workbook, Any], None]:
    def set_(wb: Workbook, value: Any) -> None:
        wb.trial.reflections = {**wb.trial.reflections, key: value}

    return set_
