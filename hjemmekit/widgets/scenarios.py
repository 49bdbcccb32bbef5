"""The scenarios panel: define, compare and choose home-working scenarios (step 4).

A thin view over :mod:`hjemmekit.scenarios`: every change goes through
:meth:`Session.edit` (saved at once); the comparison, tables and charts are computed
there and only shown here. The panel keeps which scenarios are compared and which one
is edited (view state); the scenarios themselves live in the workbook.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ipywidgets as W

from hjemmekit import scenarios as sc
from hjemmekit.i18n import t
from hjemmekit.model import WEEKDAYS, Scenario, ScenarioRule, Workbook
from hjemmekit.session import Session
from hjemmekit.widgets.base import (
    STACKED,
    VIEW_ONLY,
    css,
    esc,
    heading,
    lang_text,
    message_html,
    paragraph,
)

AVERAGE_STEPS = tuple(i / 2 for i in range(11))
"""Choices of average home days a week: 0, 0.5, ..., 5."""


def frame_html(frame: Any, caption: str) -> str:
    """A DataFrame of texts as an accessible table (caption, header cells, scroll region)."""
    head = f"<th scope='col'>{esc(frame.index.name or '')}</th>" + "".join(
        f"<th scope='col'>{esc(c)}</th>" for c in frame.columns)
    rows = "".join(
        f"<tr><th scope='row'>{esc(i)}</th>"
        + "".join(f"<td>{esc(v)}</td>" for v in row) + "</tr>"
        for i, row in zip(frame.index, frame.itertuples(index=False), strict=True)
    )
    cap = esc(caption)
    return (
        f"<div style='overflow-x:auto' tabindex='0' role='region' aria-label='{cap}'>"
        f"<table class='hk-table'><caption style='text-align:left;font-weight:600'>{cap}"
        f"</caption><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>"
    )


def load_data(session: Session) -> tuple[sc.ScenarioData | None, str]:
    """The workbook's units and survey (own files, else its example data), prepared;
    or None and why not."""
    try:
        from hjemmekit import trialdata

        found = trialdata.for_workbook(session.store, session.workbook, session.lang)
        data = found.data
    except Exception as e:  # noqa: BLE001 - a broken file must not break the step
        return None, str(e)
    if data is None:
        return None, ""
    try:
        return sc.prepare(data), ""
    except ValueError as e:
        return None, str(e)


@dataclass
class RuleInputs:
    """The inputs of one rule (tests set their values)."""

    case: W.Dropdown
    all_units: W.Checkbox
    units: W.SelectMultiple
    kind: W.Dropdown
    home: dict[str, W.Checkbox]
    office: dict[str, W.Checkbox]
    average: W.Dropdown
    screen: W.Checkbox
    remove: W.Button
    message: W.HTML


class ScenariosPanel(W.VBox):
    """Define two to four scenarios, compare them side by side, choose one for step 4.

    ``data``: a ``DataSet``, a dict of frames or a :class:`ScenarioData`; by default the
    workbook's own data files, else its example data. ``on_adopt`` is called after a
    scenario was copied into step 4 (the step view refreshes itself). ``charts=False``
    leaves the two figures out (faster, e.g. in tests).
    """

    def __init__(self, session: Session, data: Any = None, *,
                 on_adopt: Callable[[], None] | None = None, charts: bool = True) -> None:
        super().__init__(layout=W.Layout(width="100%"))
        self.session = session
        self.tr = lang_text(session)
        self.on_adopt = on_adopt
        self.show_charts = charts
        self.add_class("hk-scenarios")
        self.add_class("hk-app")
        self.data_problem = ""
        if data is None:
            self.data, self.data_problem = load_data(session)
        elif isinstance(data, sc.ScenarioData):
            self.data = data
        else:
            try:
                self.data = sc.prepare(data)
            except ValueError as e:
                self.data, self.data_problem = None, str(e)
        self.comparison: sc.Comparison | None = None
        self._quiet = False
        ids = [s.id for s in session.workbook.arrangement.scenarios]
        self.scenario_id: str | None = ids[0] if ids else None
        self.compared: list[str] = ids[: sc.MAX_COMPARED]
        self.build()

    # --- building --------------------------------------------------------------------

    def _t(self, key: str, **fields: object) -> str:
        return self.tr(f"scenarios.{key}", **fields)

    @property
    def wb(self) -> Workbook:
        return self.session.workbook

    def build(self) -> None:
        tr = self._t
        assumptions = "".join(f"<li>{esc(tr(f'assumption_{k}'))}</li>" for k in sc.ASSUMPTIONS)
        intro = W.HTML(
            f"<p class='hk-help'>{esc(tr('intro'))}</p>"
            f"<details><summary>{esc(tr('assumptions_summary'))}</summary>"
            f"<ul class='hk-help'>{assumptions}</ul></details>"
        )
        self.data_line = W.HTML(self._data_html())
        # Scenarios: pick, add, delete.
        self.picker = W.Dropdown(description=tr("picker"), style={"description_width": "initial"},
                                 layout=W.Layout(width="auto"))
        self.picker.add_class(STACKED)
        self.picker.add_class(VIEW_ONLY)
        self.picker.observe(lambda c: self._picked(c["new"]), names="value")
        self.new_name = W.Text(description=tr("new_name"), layout=W.Layout(width="100%"))
        self.new_name.add_class(STACKED)
        self.new_button = W.Button(description=tr("new_button"), layout=W.Layout(width="auto"))
        self.new_button.on_click(lambda _: self.add_scenario())
        self.suggest_button = W.Button(description=tr("suggest_button"),
                                       layout=W.Layout(width="auto"))
        self.suggest_button.on_click(lambda _: self.add_suggestions())
        self.delete_button = W.Button(description=tr("delete_button"),
                                      layout=W.Layout(width="auto"))
        self.delete_button.on_click(lambda _: self.delete_scenario())
        self.message = W.HTML()
        self.editor = W.VBox(layout=W.Layout(width="100%"))
        manage = W.VBox([
            heading(tr("scenarios_heading"), 4),
            paragraph(tr("scenarios_help")),
            self.new_name,
            W.HBox([self.new_button, self.suggest_button], layout=W.Layout(flex_flow="row wrap")),
            self.message,
            self.picker,
            W.HBox([self.delete_button]),
            self.editor,
        ])
        manage.add_class("hk-card")
        # Comparison.
        self.compare_input = W.SelectMultiple(description=tr("compare_input"), rows=4,
                                              style={"description_width": "initial"},
                                              layout=W.Layout(width="auto"))
        self.compare_input.add_class(STACKED)
        self.compare_input.add_class(VIEW_ONLY)
        self.compare_input.observe(lambda c: self._compare_changed(c["new"]), names="value")
        self.results = W.HTML()
        self.charts = W.HTML()
        compare = W.VBox([heading(tr("compare_heading"), 4), paragraph(tr("compare_help")),
                          self.compare_input, self.results, self.charts])
        compare.add_class("hk-card")
        self.context = W.HTML(self._context_html())
        # Choosing.
        self.choose_input = W.Dropdown(description=tr("choose_input"),
                                       style={"description_width": "initial"},
                                       layout=W.Layout(width="auto"))
        self.choose_input.add_class(STACKED)
        self.choose_button = W.Button(description=tr("choose_button"),
                                      layout=W.Layout(width="auto"))
        self.choose_button.on_click(lambda _: self.choose())
        self.choose_message = W.HTML()
        self.chosen_line = W.HTML()
        choose = W.VBox([heading(tr("choose_heading"), 4), paragraph(tr("choose_help")),
                         self.chosen_line, self.choose_input, W.HBox([self.choose_button]),
                         self.choose_message])
        choose.add_class("hk-card")
        self.children = [css(), intro, self.data_line, manage, compare, self.context, choose]
        self._sync_options()
        self._build_editor()
        self.refresh()

    def _data_html(self) -> str:
        tr = self._t
        if self.data is None:
            why = f" ({self.data_problem})" if self.data_problem else ""
            return message_html(tr("no_data") + why, error=True)
        d = self.data
        waves = ""
        if d.wishes is not None and len(d.wishes):
            waves = " " + tr("data_wishes", answers=sc.count(len(d.wishes), self.session.lang),
                             units=sc.count(d.wishes["unit"].nunique(), self.session.lang))
        lang = self.session.lang
        notes = "".join(f"<li>{esc(sc.note_text(n, lang))}</li>" for n in d.notes)
        line = tr("data_line", units=sc.count(len(d.units), lang),
                  people=sc.people(d.headcount, lang), desks=sc.people(d.desks, lang))
        return (f"<p class='hk-help'>{esc(line + waves)}</p>"
                + (f"<ul class='hk-help'>{notes}</ul>" if notes else ""))

    def _context_html(self) -> str:
        lang = self.session.lang
        items = "".join(
            f"<li>{esc(text)} <span class='hk-source'>{esc(self._t('source', source=src))}"
            "</span></li>"
            for text, src in sc.context_figures(lang)
        )
        return (
            f"<section class='hk-card'><h4 class='hk-h4'>{esc(self._t('context_heading'))}</h4>"
            f"<p class='hk-help'>{esc(self._t('context_help'))}</p><ul>{items}</ul></section>"
        )

    def _scenario_options(self) -> list[tuple[str, str]]:
        return [(s.name, s.id) for s in self.wb.arrangement.scenarios]

    def _sync_options(self) -> None:
        """Scenario lists of the picker, the comparison and the choice, from the document."""
        options = self._scenario_options()
        ids = [i for _, i in options]
        self.compared = [i for i in self.compared if i in ids]
        if self.scenario_id not in ids:
            self.scenario_id = ids[0] if ids else None
        self._quiet = True
        try:
            self.picker.options = options
            self.picker.value = self.scenario_id
            self.compare_input.options = options
            self.compare_input.value = tuple(self.compared)
            chosen = self.choose_input.value if self.choose_input.value in ids else (
                self.wb.arrangement.chosen if self.wb.arrangement.chosen in ids else
                (ids[0] if ids else None))
            self.choose_input.options = options
            self.choose_input.value = chosen
        finally:
            self._quiet = False
        self.delete_button.disabled = self.scenario_id is None
        self.choose_button.disabled = not ids
        chosen_id = self.wb.arrangement.chosen
        name = next((n for n, i in options if i == chosen_id), None)
        self.chosen_line.value = (
            f"<p class='hk-help'>{esc(self._t('chosen_line', name=name))}</p>" if name else "")

    # --- the editor of one scenario ------------------------------------------------------

    def _shown(self) -> Scenario | None:
        return next((x for x in self.wb.arrangement.scenarios if x.id == self.scenario_id), None)

    def _build_editor(self) -> None:
        tr = self._t
        self.rule_inputs: list[RuleInputs] = []
        s = self._shown()
        if s is None and self.scenario_id is not None:  # deleted meanwhile (another tab)
            self._sync_options()
            s = self._shown()
        if s is None:
            self.name_input = None
            self.editor.children = [paragraph(tr("no_scenarios"))]
            return
        sid = s.id
        self.name_input = W.Text(value=s.name, description=tr("name_input"),
                                 continuous_update=False, layout=W.Layout(width="100%"))
        self.name_input.add_class(STACKED)
        self.name_input.observe(lambda c: self._renamed(c["new"]), names="value")
        self.name_message = W.HTML()
        cards: list[W.Widget] = []
        for i, r in enumerate(s.rules):
            cards.append(self._rule_card(sid, i, r))
        self.add_rule_button = W.Button(description=tr("add_rule"), layout=W.Layout(width="auto"))
        self.add_rule_button.on_click(lambda _: self.add_rule())
        self.editor_heading = heading(tr("editor_heading", name=s.name), 4)
        self.editor.children = [
            self.editor_heading,
            self.name_input, self.name_message,
            paragraph(tr("rules_help")),
            *(cards or [paragraph(tr("no_rules"))]),
            W.HBox([self.add_rule_button]),
        ]

    def _rule_card(self, sid: str, i: int, r: ScenarioRule) -> W.VBox:
        tr, no = self._t, i + 1
        cases = [(tr("case_none"), "")] + [(c.name, c.id) for c in self.wb.suitability.cases]
        if r.case_id and r.case_id not in [v for _, v in cases]:
            cases.append((tr("case_missing"), r.case_id))
        case = W.Dropdown(description=tr("rule_case", no=no), options=cases,
                          value=r.case_id or "", style={"description_width": "initial"},
                          layout=W.Layout(width="auto"))
        case.add_class(STACKED)
        case.observe(lambda c: self._set_rule(sid, i, "case_id", c["new"] or None), names="value")
        all_units = W.Checkbox(value=r.all_units, description=tr("rule_all_units", no=no),
                               indent=False, layout=W.Layout(width="auto"))
        all_units.observe(lambda c: self._set_rule(sid, i, "all_units", c["new"]), names="value")
        names = self.data.unit_names if self.data is not None else []
        names = names + [u for u in r.units if u not in names]
        units = W.SelectMultiple(description=tr("rule_units", no=no), options=names,
                                 value=tuple(r.units), rows=min(6, max(2, len(names))),
                                 style={"description_width": "initial"},
                                 layout=W.Layout(width="auto", min_width="20em"))
        units.add_class(STACKED)
        units.observe(lambda c: self._set_rule(sid, i, "units", list(c["new"])), names="value")
        kinds = [(tr("kind_none"), "")] + [(tr(f"kind_{k}"), k)
                                           for k in ("ad_hoc", "fixed_recurring")]
        kind = W.Dropdown(description=tr("rule_kind", no=no), options=kinds, value=r.kind or "",
                          style={"description_width": "initial"}, layout=W.Layout(width="auto"))
        kind.add_class(STACKED)
        kind.observe(lambda c: self._set_rule(sid, i, "kind", c["new"] or None), names="value")
        message = W.HTML()
        boxes: dict[str, dict[str, W.Checkbox]] = {"home": {}, "office": {}}
        rows = []
        for which, days in (("home", r.home_days), ("office", r.office_days)):
            for d in WEEKDAYS:
                box = W.Checkbox(value=d in days, indent=False,
                                 description=tr(f"{which}_day", no=no, day=sc.day_name(d,
                                                self.session.lang)),
                                 layout=W.Layout(width="auto", margin="0 12px 0 0"))
                box.observe(lambda c, w=which, d_=d, b=box, m=message:
                            self._day_changed(sid, i, w, d_, b, c["new"], m), names="value")
                boxes[which][d] = box
            rows.append(W.VBox(list(boxes[which].values()), layout=W.Layout(margin="0 24px 0 0")))
        averages = [(tr("average_none"), "")] + [
            (sc.people(v, self.session.lang), v) for v in AVERAGE_STEPS]
        if r.home_days_per_week is not None and r.home_days_per_week not in AVERAGE_STEPS:
            averages.append((sc.people(r.home_days_per_week, self.session.lang),
                             r.home_days_per_week))
        average = W.Dropdown(description=tr("rule_average", no=no), options=averages,
                             value="" if r.home_days_per_week is None else r.home_days_per_week,
                             style={"description_width": "initial"},
                             layout=W.Layout(width="auto"))
        average.add_class(STACKED)
        average.observe(lambda c: self._set_rule(
            sid, i, "home_days_per_week", None if c["new"] == "" else float(c["new"])),
            names="value")
        screen = W.Checkbox(value=r.screen_work_at_home, description=tr("rule_screen", no=no),
                            indent=False, layout=W.Layout(width="auto"))
        screen.observe(lambda c: self._set_rule(sid, i, "screen_work_at_home", c["new"]),
                       names="value")
        remove = W.Button(description=tr("remove_rule", no=no), layout=W.Layout(width="auto"))
        remove.on_click(lambda _: self.remove_rule(i))
        self.rule_inputs.append(RuleInputs(case, all_units, units, kind, boxes["home"],
                                           boxes["office"], average, screen, remove, message))
        card = W.VBox([
            heading(sc.rule_label(r, i, self.wb, self.session.lang), 5),
            W.HBox([case, kind, average], layout=W.Layout(flex_flow="row wrap")),
            all_units, units,
            paragraph(tr("days_help")),
            W.HBox(rows, layout=W.Layout(flex_flow="row wrap")),
            message, screen, W.HBox([remove]),
        ])
        card.add_class("hk-card")
        return card

    # --- reacting -------------------------------------------------------------------------

    def _edit(self, change: Callable[[Workbook], object]) -> bool:
        ok = self.session.edit(change)
        if not ok:
            problem = dict(self.session.status.fields).get("problem", "")
            self.message.value = message_html(self._t("edit_failed", problem=problem), True)
        return ok

    def _set_rule(self, sid: str, i: int, attr: str, value: Any) -> None:
        if self._quiet:
            return

        def change(wb: Workbook) -> None:
            setattr(sc.rule_at(wb, sid, i), attr, value)

        if self._edit(change):
            self.refresh()

    def _day_changed(self, sid: str, i: int, which: str, day: str, box: W.Checkbox, on: bool,
                     message: W.HTML) -> None:
        if self._quiet:
            return
        try:
            r = sc.rule_at(self.wb, sid, i)
        except ValueError as e:
            message.value = message_html(self._t("edit_failed", problem=str(e)), True)
            return
        other = r.office_days if which == "home" else r.home_days
        if on and day in other:
            message.value = message_html(
                self._t(f"day_conflict_{which}", day=sc.day_name(day, self.session.lang)), True)
            self._quiet = True
            try:
                box.value = False
            finally:
                self._quiet = False
            return
        if self._edit(lambda wb: sc.set_rule_day(wb, sid, i, which, day, on)):
            message.value = ""
            self.refresh()

    def _renamed(self, name: str) -> None:
        if self._quiet or self.scenario_id is None:
            return
        sid = self.scenario_id
        name = name.strip()
        taken = any(s.name.strip().casefold() == name.casefold() and s.id != sid
                    for s in self.wb.arrangement.scenarios)
        if not name or taken:
            self.name_message.value = message_html(
                self._t("name_taken" if taken else "name_empty", name=name), True)
            return
        if self._edit(lambda wb: setattr(sc.find_scenario(wb, sid), "name", name)):
            self.name_message.value = ""
            self.editor_heading.value = heading(self._t("editor_heading", name=name), 4).value
            self._sync_options()
            self.refresh()

    def _picked(self, sid: str | None) -> None:
        if self._quiet or sid == self.scenario_id:
            return
        self.scenario_id = sid
        self.delete_button.disabled = sid is None
        self._build_editor()

    def _compare_changed(self, value: tuple[str, ...]) -> None:
        if self._quiet:
            return
        self.compared = list(value)
        self.refresh()

    # --- actions (tests call these, or click the buttons) -------------------------------

    def select(self, scenario_id: str) -> None:
        """Show the scenario ``scenario_id`` in the editor."""
        self.picker.value = scenario_id

    def _added(self, ids: list[str]) -> None:
        for i in ids:
            if len(self.compared) < sc.MAX_COMPARED and i not in self.compared:
                self.compared.append(i)
        self.scenario_id = ids[-1]
        self._sync_options()
        self._build_editor()
        self.refresh()

    def add_scenario(self, name: str | None = None, new: Scenario | None = None) -> bool:
        """Add an empty scenario named from the form (or ``name``), or ``new``."""
        title = (self.new_name.value if name is None else name).strip()
        scenario = new or Scenario(name=title)
        if not scenario.name.strip():
            self.message.value = message_html(self._t("name_empty"), True)
            return False
        if any(s.name.strip().casefold() == scenario.name.strip().casefold()
               for s in self.wb.arrangement.scenarios):
            self.message.value = message_html(self._t("name_taken", name=scenario.name), True)
            return False
        if new is None:
            scenario.rules.append(ScenarioRule(all_units=True, kind="ad_hoc"))
        added: list[Scenario] = []
        if not self._edit(lambda wb: added.append(sc.add_scenario(wb, scenario))):
            return False
        self.new_name.value = ""
        self.message.value = message_html(self._t("added", name=scenario.name))
        self._added([added[-1].id])
        return True

    def add_suggestions(self) -> int:
        """Add the suggested scenarios whose names are not taken; how many were added."""
        taken = {s.name.strip().casefold() for s in self.wb.arrangement.scenarios}
        new = [s for s in sc.suggestions(self.wb, self.session.lang)
               if s.name.strip().casefold() not in taken]
        if not new:
            self.message.value = message_html(self._t("suggestions_present"))
            return 0
        added: list[Scenario] = []

        def change(wb: Workbook) -> None:
            added.extend(sc.add_scenario(wb, s) for s in new)

        if not self._edit(change):
            return 0
        self.message.value = message_html(
            self._t("added", name=", ".join(s.name for s in added)))
        self._added([s.id for s in added])
        return len(added)

    def delete_scenario(self) -> bool:
        """Delete the scenario shown in the editor (step 4's arrangements stay)."""
        sid = self.scenario_id
        if sid is None:
            return False
        name = sc.find_scenario(self.wb, sid).name
        if not self._edit(lambda wb: sc.remove_scenario(wb, sid)):
            return False
        self.message.value = message_html(self._t("deleted", name=name))
        self.scenario_id = None
        self._sync_options()
        self._build_editor()
        self.refresh()
        return True

    def add_rule(self) -> bool:
        sid = self.scenario_id
        if sid is None or not self._edit(lambda wb: sc.add_rule(wb, sid)):
            return False
        self._build_editor()
        self.refresh()
        return True

    def remove_rule(self, index: int) -> bool:
        sid = self.scenario_id
        if sid is None or not self._edit(lambda wb: sc.remove_rule(wb, sid, index)):
            return False
        self._build_editor()
        self.refresh()
        return True

    def choose(self, scenario_id: str | None = None) -> sc.Adoption | None:
        """Copy the scenario in the choice (or ``scenario_id``) into step 4."""
        sid = scenario_id or self.choose_input.value
        if not sid:
            self.choose_message.value = message_html(self._t("choose_none"), True)
            return None
        units = self.data.unit_names if self.data is not None else None
        result = sc.adopt(self.session, sid, units)
        self.choose_message.value = message_html(result.message(self.session.lang),
                                                 error=not result.ok)
        if result.ok:
            self._sync_options()
            if self.on_adopt is not None:
                self.on_adopt()
        return result

    # --- the comparison ------------------------------------------------------------------

    def refresh(self) -> None:
        """Compare the chosen scenarios again and show the tables (and charts)."""
        tr, lang = self._t, self.session.lang
        self.comparison = None
        self.charts.value = ""
        ids = [i for i in self.compared if any(s.id == i for s in self.wb.arrangement.scenarios)]
        if self.data is None:
            self.results.value = message_html(tr("compare_no_data"))
            return
        if not ids:
            self.results.value = message_html(tr("compare_none"))
            return
        extra = ""
        if len(ids) > sc.MAX_COMPARED:
            extra = message_html(tr("compare_too_many", max=sc.MAX_COMPARED))
            ids = ids[: sc.MAX_COMPARED]
        elif len(ids) == 1:
            extra = message_html(tr("compare_one"))
        try:
            self.results.value = self._results_html(ids, extra)
        except Exception as e:  # noqa: BLE001 - odd data must not break the step
            self.comparison = None
            self.results.value = message_html(tr("compare_failed", problem=str(e)), True)
            return
        if self.show_charts and self.comparison is not None:
            try:
                self.charts.value = charts_html(self.comparison, lang)
            except Exception as e:  # noqa: BLE001
                self.charts.value = message_html(tr("compare_failed", problem=str(e)), True)

    def _results_html(self, ids: list[str], extra: str) -> str:
        tr, lang = self._t, self.session.lang
        comparison = sc.compare(ids, self.data, self.wb)
        self.comparison = comparison
        parts = [
            extra,
            frame_html(_by_measure(comparison.summary(lang), tr("col_measure")),
                       tr("table_summary")),
            frame_html(comparison.occupancy(lang), tr("table_occupancy")),
            frame_html(comparison.wishes(lang), tr("table_wishes", k=comparison.k)),
            frame_html(comparison.flags(lang), tr("table_flags")),
            frame_html(comparison.together(lang), tr("table_together")),
        ]
        for i, r in enumerate(comparison.results):
            parts.append(
                f"<details><summary>{esc(tr('units_summary', name=r.name))}</summary>"
                + frame_html(comparison.unit_occupancy(i, lang),
                             tr("table_unit_occupancy", name=r.name))
                + frame_html(comparison.unit_wishes(i, lang),
                             tr("table_unit_wishes", name=r.name, k=comparison.k))
                + self._rule_flags_html(r)
                + "</details>"
            )
        notes = comparison.notes(lang)
        if notes:
            items = "".join(f"<li>{esc(n)}</li>" for n in notes)
            parts.append(f"<h5 class='hk-h4'>{esc(tr('notes_heading'))}</h5><ul>{items}</ul>")
        return "".join(parts)


    def _rule_flags_html(self, r: sc.ScenarioResult) -> str:
        """Per rule: each requirement that applies and each warning, with its reason and
        source."""
        lang = self.session.lang
        items = []
        for rf in r.rule_flags:
            shown = [f for f in rf.flags if f.required or f.kind in ("warning", "error")]
            if not shown:
                continue
            flags = "".join(
                f"<li>{esc(f.text(lang))} <span class='hk-source'>{esc(f.source_text(lang))}"
                "</span></li>" for f in shown)
            rule = r.scenario.rules[rf.index]
            label = sc.rule_label(rule, rf.index, self.wb, lang)
            pattern = sc.pattern_text(rule, lang)
            items.append(f"<li>{esc(label)}: {esc(pattern)}<ul>{flags}</ul></li>")
        if not items:
            return ""
        return (f"<h5 class='hk-h4'>{esc(self._t('rule_flags_heading', name=r.name))}</h5>"
                f"<ul>{''.join(items)}</ul>")


def _by_measure(frame: Any, corner: str) -> Any:
    """A summary turned round: one column per scenario, one row per measure."""
    out = frame.T
    out.index.name = corner
    return out


def charts_html(comparison: sc.Comparison, lang: str) -> str:
    """The two figures as PNG images with alt texts and captions."""
    from hjemmekit import scenario_charts as ch

    out = []
    for key, fig, alt in (
        ("occupancy", ch.occupancy_figure(comparison, lang), ch.occupancy_alt(comparison, lang)),
        ("wishes", ch.wishes_figure(comparison, lang), ch.wishes_alt(comparison, lang)),
    ):
        data = base64.b64encode(ch.figure_png(fig)).decode("ascii")
        out.append(
            f"<figure class='hk-figure'><img src='data:image/png;base64,{data}' "
            f"alt='{esc(alt)}' style='max-width:100%;height:auto'>"
            f"<figcaption>{esc(t(f'scenarios.caption_{key}', lang))}</figcaption></figure>"
        )
    return "".join(out)
