"""Step 4, "Tag stilling til hvordan hjemmearbejde kan tilrettelægges".

For each case judged suitable or partly suitable in step 3: ad hoc or fixed recurring,
the weekday pattern, average home days, screen work, meeting rules, the guidance's
three reflection questions, and what the rules require (flags from
:func:`hjemmekit.rules.flags_for`), each requirement with a tick, a date and a note.

The view keeps only the id of the case shown. A case's arrangement is created in the
document at its first change. Adding or removing a meeting rule rebuilds that list;
every other change refreshes the flags and the overview in place.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from hjemmekit.model import (
    ARRANGEMENT_REFLECTIONS,
    REQUIREMENTS,
    WEEKDAYS,
    CaseArrangement,
    MeetingRule,
    RequirementStatus,
    Workbook,
    tick_day,
)
from hjemmekit.rules import Flag, flags_for
from hjemmekit.widgets.base import (
    STACKED,
    VIEW_ONLY,
    StepView,
    checkbox,
    choice,
    esc,
    heading,
    paragraph,
    text,
)
from hjemmekit.widgets.suitability import find_case, message_html

SUITABLE = ("suitable", "partly")
DEFAULT_MEETINGS = ("department", "team", "external")
AVERAGE_STEPS = tuple(i / 2 for i in range(11))
"""Choices of average home days a week: 0, 0.5, ..., 5."""

_WARNING_BOX = (
    "border:2px solid #B8400A;border-left-width:8px;background:#FFF4EE;color:#1A1A1A;"
    "border-radius:6px;padding:4px 12px;margin:8px 0"
)
_INFO_BOX = (
    "border:1px solid #0072B2;border-left-width:8px;background:#F2F6FA;color:#1A1A1A;"
    "border-radius:6px;padding:4px 12px;margin:8px 0"
)


def find_arrangement(wb: Workbook, case_id: str) -> CaseArrangement | None:
    for arr in wb.arrangement.arrangements:
        if arr.case_id == case_id:
            return arr
    return None


def arrangement_of(wb: Workbook, case_id: str) -> CaseArrangement:
    """The case's arrangement, or an empty one (not added to the document)."""
    return find_arrangement(wb, case_id) or CaseArrangement(case_id=case_id)


def ensure_arrangement(wb: Workbook, case_id: str) -> CaseArrangement:
    """The case's arrangement, added to the document when it has none yet."""
    arr = find_arrangement(wb, case_id)
    if arr is None:
        find_case(wb, case_id)  # refuse arrangements of deleted cases
        arr = CaseArrangement(case_id=case_id)
        wb.arrangement.arrangements.append(arr)
    return arr


def set_day(wb: Workbook, case_id: str, which: str, day: str, on: bool) -> None:
    """Tick (or untick) ``day`` as a fixed home or office day; a day can't be both."""
    tick_day(ensure_arrangement(wb, case_id), which, day, on)


def _requirement(wb: Workbook, case_id: str, key: str) -> RequirementStatus:
    arr = ensure_arrangement(wb, case_id)
    return arr.requirements.setdefault(key, RequirementStatus())


def _set_attr(case_id: str, attr: str):
    def set_(wb: Workbook, value: Any) -> None:
        setattr(ensure_arrangement(wb, case_id), attr, value)

    return set_


class ArrangementView(StepView):
    """Step 4: how home working is organised for the suitable cases."""

    step = "arrangement"

    def build(self) -> list[W.Widget]:
        tr = self.tr
        wb = self.session.workbook
        suitable = [c for c in wb.suitability.cases if c.verdict in SUITABLE]
        others = [c.name for c in wb.suitability.cases if c.verdict not in SUITABLE]
        self.case_id: str | None = suitable[0].id if suitable else None
        self._reverting = False
        intro = W.VBox([paragraph(tr("steps.arrangement_intro"))])
        self.overview = W.HTML()
        if not suitable:
            self.no_cases = W.HTML(
                f"<section class='hk-card' style='{_INFO_BOX}'>"
                f"<h3>{esc(tr('arrangement.no_suitable_heading'))}</h3>"
                f"<p>{esc(tr('arrangement.no_suitable'))}</p></section>"
            )
            return [intro, self.no_cases, self._scenarios_section()]
        out: list[W.Widget] = [intro]
        if others:
            out.append(paragraph(tr("arrangement.not_shown", names=", ".join(others))))
        self.case_picker = W.Dropdown(
            description=tr("arrangement.picker"),
            options=[(c.name, c.id) for c in suitable],
            value=self.case_id,
            style={"description_width": "initial"},
            layout=W.Layout(width="auto"),
        )
        self.case_picker.observe(lambda c: self.select_case(c["new"]), names="value")
        self.case_picker.add_class(VIEW_ONLY)
        self.editor = W.VBox(self._case_editor(self.case_id), layout=W.Layout(width="100%"))
        self.refresh()
        return [
            *out,
            heading(tr("arrangement.overview_heading")),
            self.overview,
            self.case_picker,
            self.editor,
            self._scenarios_section(),
        ]

    # --- scenarios panel (hjemmekit.widgets.scenarios; built when first opened) ---------

    def _scenarios_section(self) -> W.VBox:
        """A collapsed "Sammenlign scenarier" section at the end of the step, opened and
        closed with a button (keyboard-operable, unlike ipywidgets' Accordion header)."""
        tr = self.tr
        self.scenarios_box = W.VBox(layout=W.Layout(width="100%", display="none"))
        self.scenarios_panel: Any = None
        self.scenarios_toggle = W.Button(description=tr("scenarios.show"),
                                         layout=W.Layout(width="auto"))
        self.scenarios_toggle.on_click(lambda _: self.toggle_scenarios())
        self.scenarios_toggle.add_class(VIEW_ONLY)
        self.scenarios_section = W.VBox(
            [heading(tr("scenarios.panel_title")), paragraph(tr("scenarios.panel_help")),
             self.scenarios_toggle, self.scenarios_box],
            layout=W.Layout(width="100%", margin="16px 0 0 0"),
        )
        self.scenarios_section.add_class("hk-card")
        return self.scenarios_section

    @property
    def scenarios_open(self) -> bool:
        return self.scenarios_box.layout.display != "none"

    def toggle_scenarios(self) -> None:
        if self.scenarios_open:
            self.scenarios_box.layout.display = "none"
            self.scenarios_toggle.description = self.tr("scenarios.show")
        else:
            self.open_scenarios()

    def open_scenarios(self) -> Any:
        """Open the section, building the scenarios panel the first time; returns it."""
        if self.scenarios_panel is None:
            from hjemmekit.widgets.scenarios import ScenariosPanel

            self.scenarios_panel = ScenariosPanel(self.session, on_adopt=self._scenario_adopted)
            self.scenarios_box.children = [self.scenarios_panel]
        self.scenarios_box.layout.display = ""
        self.scenarios_toggle.description = self.tr("scenarios.hide")
        return self.scenarios_panel

    def _scenario_adopted(self) -> None:
        """Show the weekday patterns a chosen scenario wrote into step 4."""
        if self.case_id is not None and hasattr(self, "editor"):
            self.editor.children = self._case_editor(self.case_id)
        self.refresh()

    # --- the editor of one case ----------------------------------------------------

    def _case_editor(self, case_id: str) -> list[W.Widget]:
        s, tr = self.session, self.tr
        cid = case_id
        case = find_case(s.workbook, cid)
        arr = arrangement_of(s.workbook, cid)

        self.warnings = W.HTML()
        self.kind_input = choice(
            s, tr("arrangement.kind"),
            [(tr("arrangement.kind_none"), "")]
            + [(tr(f"arrangement.kind_{k}"), k) for k in ("ad_hoc", "fixed_recurring")],
            lambda wb: arrangement_of(wb, cid).kind or "",
            lambda wb, v: setattr(ensure_arrangement(wb, cid), "kind", v or None),
        )
        self.kind_input.add_class(STACKED)
        self.kind_input.observe(lambda _: self.refresh(), names="value")
        kind_card = W.VBox([self.kind_input, paragraph(tr("arrangement.kind_help"))])
        kind_card.add_class("hk-card")

        # Weekday pattern.
        self.home_day_inputs: dict[str, W.Checkbox] = {}
        self.office_day_inputs: dict[str, W.Checkbox] = {}
        rows = []
        for which, inputs, days in (
            ("home", self.home_day_inputs, arr.home_days),
            ("office", self.office_day_inputs, arr.office_days),
        ):
            for day in WEEKDAYS:
                box = W.Checkbox(
                    value=day in days,
                    description=tr(f"arrangement.{which}_day", day=tr(f"arrangement.day_{day}")),
                    indent=False, layout=W.Layout(width="auto", margin="0 16px 0 0"),
                )
                box.observe(
                    lambda c, w=which, d=day, b=box: self._day_changed(w, d, b, c["new"]),
                    names="value",
                )
                inputs[day] = box
            rows.append(heading(tr(f"arrangement.{which}_days_row"), 4))
            rows.append(W.HBox(list(inputs.values()), layout=W.Layout(flex_flow="row wrap")))
        self.days_message = W.HTML()
        averages = [(tr("arrangement.average_none"), "")] + [
            (self._number(v), v) for v in AVERAGE_STEPS
        ]
        if arr.home_days_per_week is not None and arr.home_days_per_week not in AVERAGE_STEPS:
            averages.append((self._number(arr.home_days_per_week), arr.home_days_per_week))
        self.average_input = choice(
            s, tr("arrangement.average"), averages,
            lambda wb: _none_to_blank(arrangement_of(wb, cid).home_days_per_week),
            lambda wb, v: setattr(ensure_arrangement(wb, cid), "home_days_per_week",
                                  None if v == "" else float(v)),
        )
        self.average_input.add_class(STACKED)
        self.average_input.observe(lambda _: self.refresh(), names="value")
        self.screen_input = checkbox(
            s, tr("arrangement.screen"), lambda wb: arrangement_of(wb, cid).screen_work_at_home,
            _set_attr(cid, "screen_work_at_home"),
        )
        self.screen_input.observe(lambda _: self.refresh(), names="value")
        pattern = W.VBox(
            [
                heading(tr("arrangement.pattern_heading"), 4),
                paragraph(tr("arrangement.pattern_help")),
                *rows,
                self.days_message,
                self.average_input,
                self.screen_input,
            ]
        )
        pattern.add_class("hk-card")

        # Meeting rules.
        self.meetings_box = W.VBox(layout=W.Layout(width="100%"))
        # Synced when the field is left, so "Tilføj mødetype" right after typing sees all
        # of it (see SuitabilityView.new_name).
        self.new_meeting = W.Text(description=tr("arrangement.new_meeting"),
                                  layout=W.Layout(width="100%"), continuous_update=False)
        self.new_meeting.add_class(STACKED)
        self.add_meeting_button = W.Button(description=tr("arrangement.add_meeting"))
        self.add_meeting_button.on_click(lambda _: self.add_meeting())
        self.defaults_button = W.Button(description=tr("arrangement.add_defaults"),
                                        layout=W.Layout(width="auto"))
        self.defaults_button.on_click(lambda _: self.add_default_meetings())
        self.meeting_message = W.HTML()
        self._rebuild_meetings()
        meetings = W.VBox(
            [
                heading(tr("arrangement.meetings_heading"), 4),
                paragraph(tr("arrangement.meetings_help")),
                self.meetings_box,
                self.new_meeting,
                W.HBox([self.add_meeting_button, self.defaults_button],
                       layout=W.Layout(flex_flow="row wrap")),
                self.meeting_message,
            ]
        )
        meetings.add_class("hk-card")

        # Reflection questions.
        self.reflection_inputs: dict[str, W.Textarea] = {}
        for key in ARRANGEMENT_REFLECTIONS:
            self.reflection_inputs[key] = text(
                s, tr(f"arrangement.r_{key}"),
                lambda wb, k=key: arrangement_of(wb, cid).reflections.get(k, ""),
                lambda wb, v, k=key: ensure_arrangement(wb, cid).reflections.__setitem__(k, v),
                multiline=True, rows=3,
            )
        reflections = W.VBox(
            [
                heading(tr("arrangement.reflections_heading"), 4),
                W.HTML(f"<p class='hk-source'>{esc(tr('arrangement.reflections_source'))}</p>"),
                *self.reflection_inputs.values(),
            ]
        )
        reflections.add_class("hk-card")

        # Requirements.
        self.requirement_texts: dict[str, W.HTML] = {}
        self.requirement_inputs: dict[str, W.Checkbox] = {}
        self.requirement_date_inputs: dict[str, W.DatePicker] = {}
        self.requirement_note_inputs: dict[str, W.Text] = {}
        cards: list[W.Widget] = []
        for key in REQUIREMENTS:
            label = tr(f"rules.{key}")
            info = W.HTML()
            done = checkbox(
                s, tr("arrangement.req_done", label=label),
                lambda wb, k=key: _status_of(wb, cid, k).done,
                lambda wb, v, k=key: setattr(_requirement(wb, cid, k), "done", v),
            )
            done.observe(lambda _: self.refresh(), names="value")
            date = W.DatePicker(description=tr("arrangement.req_date", label=label),
                                layout=W.Layout(width="auto", min_width="14em"))
            date.add_class(STACKED)
            date.value = _status_of(s.workbook, cid, key).date
            date.observe(
                lambda c, k=key: self._edit(
                    lambda wb: setattr(_requirement(wb, cid, k), "date", c["new"])
                ),
                names="value",
            )
            note = text(
                s, tr("arrangement.req_note", label=label),
                lambda wb, k=key: _status_of(wb, cid, k).note,
                lambda wb, v, k=key: setattr(_requirement(wb, cid, k), "note", v),
            )
            self.requirement_texts[key] = info
            self.requirement_inputs[key] = done
            self.requirement_date_inputs[key] = date
            self.requirement_note_inputs[key] = note
            card = W.VBox([info, done, W.HBox([date, note], layout=W.Layout(width="100%"))])
            card.add_class("hk-card")
            cards.append(card)
        verdict = tr(f"suitability.verdict_{case.verdict}")
        return [
            heading(tr("arrangement.case_heading", name=case.name, verdict=verdict), 3),
            self.warnings,
            kind_card,
            pattern,
            meetings,
            reflections,
            heading(tr("arrangement.rules_heading"), 4),
            paragraph(tr("arrangement.rules_help")),
            *cards,
        ]

    def _rebuild_meetings(self) -> None:
        """Build the rows of meeting rules anew (after a row is added or removed)."""
        s, tr = self.session, self.tr
        cid = self.case_id
        assert cid is not None
        rules_ = arrangement_of(s.workbook, cid).meeting_rules
        self.meeting_type_inputs: list[W.Text] = []
        self.meeting_mode_inputs: list[W.Dropdown] = []
        self.meeting_note_inputs: list[W.Text] = []
        self.meeting_remove_buttons: list[W.Button] = []
        if not rules_:
            self.meetings_box.children = [paragraph(tr("arrangement.no_meetings"))]
            return
        modes = [(tr(f"arrangement.mode_{m}"), m) for m in ("physical", "virtual", "hybrid")]
        rows = []
        for i in range(len(rules_)):
            no = i + 1
            kind = text(
                s, tr("arrangement.meeting_type", no=no),
                lambda wb, i_=i: arrangement_of(wb, cid).meeting_rules[i_].meeting_type,
                lambda wb, v, i_=i: setattr(
                    ensure_arrangement(wb, cid).meeting_rules[i_], "meeting_type", v
                ),
            )
            mode = choice(
                s, tr("arrangement.meeting_mode", no=no), modes,
                lambda wb, i_=i: arrangement_of(wb, cid).meeting_rules[i_].mode,
                lambda wb, v, i_=i: setattr(
                    ensure_arrangement(wb, cid).meeting_rules[i_], "mode", v
                ),
            )
            mode.add_class(STACKED)
            note = text(
                s, tr("arrangement.meeting_note", no=no),
                lambda wb, i_=i: arrangement_of(wb, cid).meeting_rules[i_].note,
                lambda wb, v, i_=i: setattr(
                    ensure_arrangement(wb, cid).meeting_rules[i_], "note", v
                ),
            )
            remove = W.Button(description=tr("arrangement.meeting_remove", no=no),
                              layout=W.Layout(width="auto", flex="0 0 auto"))
            remove.on_click(lambda _, i_=i: self.remove_meeting(i_))
            self.meeting_type_inputs.append(kind)
            self.meeting_mode_inputs.append(mode)
            self.meeting_note_inputs.append(note)
            self.meeting_remove_buttons.append(remove)
            row = W.HBox([kind, mode, note, remove],
                         layout=W.Layout(align_items="flex-end", width="100%"))
            rows.append(row)
        self.meetings_box.children = rows

    # --- reacting ------------------------------------------------------------------

    def _number(self, value: float) -> str:
        out = f"{value:g}"
        return out.replace(".", ",") if self.session.lang == "da" else out

    def _edit(self, change) -> bool:
        ok = self.session.edit(change)
        if ok:
            self.refresh()
        return ok

    def _day_changed(self, which: str, day: str, box: W.Checkbox, on: bool) -> None:
        if self._reverting or self.case_id is None:
            return
        cid = self.case_id
        arr = arrangement_of(self.session.workbook, cid)
        other = arr.office_days if which == "home" else arr.home_days
        if on and day in other:
            name = self.tr(f"arrangement.day_{day}")
            self.days_message.value = message_html(
                self.tr(f"arrangement.day_conflict_{which}", day=name), error=True
            )
            self._revert(box, False)
            return
        if self._edit(lambda wb: set_day(wb, cid, which, day, on)):
            self.days_message.value = ""
        else:
            self._revert(box, not on)

    def _revert(self, box: W.Checkbox, value: bool) -> None:
        self._reverting = True
        try:
            box.value = value
        finally:
            self._reverting = False

    def refresh(self) -> None:
        """Update the flags of the shown case and the overview from the document."""
        wb = self.session.workbook
        self.overview.value = self._overview_html(wb)
        if self.case_id is None or not hasattr(self, "warnings"):
            return
        flags = flags_for(arrangement_of(wb, self.case_id), wb)
        notes = [f for f in flags if not f.is_requirement]
        self.warnings.value = "".join(self._notice_html(f) for f in notes)
        for f in flags:
            if f.is_requirement and f.key in self.requirement_texts:
                self.requirement_texts[f.key].value = self._flag_html(f)

    def _notice_html(self, flag: Flag) -> str:
        lang = self.session.lang
        style = _INFO_BOX if flag.kind == "info" else _WARNING_BOX
        return (
            f"<div class='hk-flag hk-flag-{flag.kind}' style='{style}'>"
            f"<p><strong>{esc(flag.level_text(lang).capitalize())}: {esc(flag.label(lang))}"
            f"</strong></p><p>{esc(flag.reason(lang))}</p>"
            f"<p class='hk-source'>{esc(flag.source_text(lang))}</p></div>"
        )

    def _flag_html(self, flag: Flag) -> str:
        lang = self.session.lang
        status = ""
        if flag.required:
            word = self.tr("rules.status.done" if flag.status else "rules.status.open")
            status = f" <span>({esc(self.tr('arrangement.status', status=word))})</span>"
        elements = ""
        if flag.elements and flag.required:
            items = "".join(f"<li>{esc(label)}</li>" for _, label in flag.element_labels(lang))
            elements = f"<p>{esc(self.tr('arrangement.elements_heading'))}</p><ul>{items}</ul>"
        return (
            f"<div class='hk-flag hk-flag-{flag.level}'>"
            f"<h5 class='hk-h4' style='margin:0.3em 0'>{esc(flag.label(lang))} – "
            f"{esc(flag.level_text(lang))}{status}</h5>"
            f"<p>{esc(flag.reason(lang))}</p>{elements}"
            f"<p class='hk-source'>{esc(flag.source_text(lang))}</p></div>"
        )

    def _pattern_text(self, arr: CaseArrangement) -> str:
        tr = self.tr
        parts = []
        if arr.home_days:
            days = ", ".join(tr(f"arrangement.day_{d}") for d in WEEKDAYS if d in arr.home_days)
            parts.append(tr("arrangement.pattern_home", days=days))
        if arr.office_days:
            days = ", ".join(tr(f"arrangement.day_{d}") for d in arr.office_days)
            parts.append(tr("arrangement.pattern_office", days=days))
        if not arr.home_days and arr.home_days_per_week is not None:
            parts.append(tr("arrangement.pattern_average",
                            days=self._number(arr.home_days_per_week)))
        return "; ".join(parts) or tr("arrangement.none")

    def _overview_html(self, wb: Workbook) -> str:
        tr, lang = self.tr, self.session.lang
        cases = [c for c in wb.suitability.cases if c.verdict in SUITABLE]
        if not cases:
            return ""
        cols = ("col_case", "col_verdict", "col_kind", "col_pattern", "col_open", "col_warnings")
        head = "".join(f"<th scope='col'>{esc(tr(f'arrangement.{c}'))}</th>" for c in cols)
        rows = []
        for case in cases:
            arr = arrangement_of(wb, case.id)
            flags = flags_for(arr, wb)
            open_ = [f.label(lang) for f in flags if f.open]
            warnings = [f.label(lang) for f in flags if f.kind in ("warning", "error")]
            kind = tr(f"arrangement.kind_short_{arr.kind}") if arr.kind else tr(
                "arrangement.kind_none")
            cells = [
                tr(f"suitability.verdict_{case.verdict}"),
                kind,
                self._pattern_text(arr),
                "; ".join(open_) or tr("arrangement.none"),
                "; ".join(warnings) or tr("arrangement.none"),
            ]
            tds = "".join(f"<td>{esc(c)}</td>" for c in cells)
            rows.append(f"<tr><th scope='row'>{esc(case.name)}</th>{tds}</tr>")
        caption = esc(tr("arrangement.overview_caption"))
        return (
            f"<div style='overflow-x:auto' tabindex='0' role='region' aria-label='{caption}'>"
            "<table class='hk-table'>"
            f"<caption style='text-align:left;font-weight:600'>{caption}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        )

    # --- actions (tests call these, or click the buttons) --------------------------

    def select_case(self, case_id: str) -> None:
        """Show the case ``case_id`` in the editor."""
        if self.case_picker.value != case_id:
            self.case_picker.value = case_id  # its observer comes back here
            return
        self.case_id = case_id
        try:
            self.editor.children = self._case_editor(case_id)
        except ValueError:  # deleted meanwhile (another tab)
            self.editor.children = [paragraph(self.tr("arrangement.no_suitable"))]
            return
        self.refresh()

    def _meeting_problem(self, name: str) -> str:
        if not name:
            return self.tr("arrangement.meeting_empty")
        assert self.case_id is not None
        for rule in arrangement_of(self.session.workbook, self.case_id).meeting_rules:
            if rule.meeting_type.strip().casefold() == name.casefold():
                return self.tr("arrangement.meeting_duplicate", type=rule.meeting_type)
        return ""

    def add_meeting(self, meeting_type: str | None = None, mode: str = "hybrid") -> bool:
        """Add a meeting rule from the form (or the arguments); False with a message."""
        if self.case_id is None:
            return False
        cid = self.case_id
        name = (self.new_meeting.value if meeting_type is None else meeting_type).strip()
        problem = self._meeting_problem(name)
        if problem:
            self.meeting_message.value = message_html(problem, error=True)
            return False
        rule = MeetingRule(meeting_type=name, mode=mode)  # type: ignore[arg-type]
        if not self._edit(lambda wb: ensure_arrangement(wb, cid).meeting_rules.append(rule)):
            return False
        self.new_meeting.value = ""
        self.meeting_message.value = ""
        self._rebuild_meetings()
        return True

    def add_default_meetings(self) -> int:
        """Add the suggested meeting types not there yet; how many were added."""
        if self.case_id is None:
            return 0
        cid = self.case_id
        names = [self.tr(f"arrangement.default_{k}") for k in DEFAULT_MEETINGS]
        new = [n for n in names if not self._meeting_problem(n)]
        if not new:
            self.meeting_message.value = message_html(self.tr("arrangement.defaults_present"))
            return 0

        def change(wb: Workbook) -> None:
            arr = ensure_arrangement(wb, cid)
            arr.meeting_rules.extend(MeetingRule(meeting_type=n) for n in new)

        if not self._edit(change):
            return 0
        self.meeting_message.value = ""
        self._rebuild_meetings()
        return len(new)

    def remove_meeting(self, index: int) -> bool:
        """Remove the meeting rule at ``index``."""
        if self.case_id is None:
            return False
        cid = self.case_id

        def change(wb: Workbook) -> None:
            arr = ensure_arrangement(wb, cid)
            if not 0 <= index < len(arr.meeting_rules):
                raise ValueError("that meeting rule no longer exists")
            del arr.meeting_rules[index]

        if not self._edit(change):
            return False
        self._rebuild_meetings()
        self.new_meeting.focus()  # the removed row's button is gone, and the focus with it
        return True


def _status_of(wb: Workbook, case_id: str, key: str) -> RequirementStatus:
    return arrangement_of(wb, case_id).requirements.get(key) or RequirementStatus()


def _none_to_blank(value: float | None) -> Any:
    return "" if value is None else value
