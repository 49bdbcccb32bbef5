"""Step 3, "Tag stilling til om hjemmearbejde er relevant i de konkrete tilfælde".

The leadership's first discussion (advantages and drawbacks per theme), then the cases
(a unit, a role or a task): each answers the guidance's eight questions and gets a
verdict, suggested by :mod:`hjemmekit.verdict` and chosen by the leader. An overview
matrix shows all cases against the questions.

The view keeps only the id of the case shown; it reads the case from
``session.workbook`` each time. Adding, renaming or deleting a case rebuilds the cases
section; answers refresh the suggestion and the matrix in place.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from hjemmekit.model import DISCUSSION_THEMES, SUITABILITY_QUESTIONS, Case, Workbook, new_id
from hjemmekit.verdict import ANSWERS, VERDICTS, matrix_html, question_text, suggest
from hjemmekit.widgets.base import (
    STACKED,
    VIEW_ONLY,
    StepView,
    choice,
    esc,
    heading,
    paragraph,
    text,
)

MAX_NAME = 200
"""Longest case name accepted (characters)."""

CASE_KINDS = ("unit", "role", "task")

def find_case(wb: Workbook, case_id: str) -> Case:
    """The case with ``case_id``; ValueError (shown as a message) when it is gone."""
    for case in wb.suitability.cases:
        if case.id == case_id:
            return case
    raise ValueError(f"the case {case_id!r} no longer exists")


def message_html(text_: str, error: bool = False) -> str:
    """A message shown in place, under the input it concerns."""
    if not text_:
        return ""
    if error:
        return f"<p class='hk-error' role='alert'>{esc(text_)}</p>"
    return f"<p class='hk-help'>{esc(text_)}</p>"


def _set_discussion(theme: str, side: str):
    def set_(wb: Workbook, value: Any) -> None:
        setattr(wb.suitability.discussion[theme], side, value)

    return set_


class SuitabilityView(StepView):
    """Step 3: is home working relevant in the specific cases?"""

    step = "suitability"

    # --- building ------------------------------------------------------------------

    def build(self) -> list[W.Widget]:
        tr = self.tr
        cases = self.session.workbook.suitability.cases
        self.case_id: str | None = cases[0].id if cases else None
        self.discussion_inputs: dict[tuple[str, str], W.Textarea] = {}
        self.answer_inputs: dict[str, W.Dropdown] = {}
        self.note_inputs: dict[str, W.Textarea] = {}

        # Synced once, when the field is left: a button pressed right after typing must not
        # overtake the text (ipywidgets holds back a field's updates while one is
        # unanswered, but sends clicks at once). The same for the rename field.
        self.new_name = W.Text(
            description=tr("suitability.new_name"),
            placeholder=tr("suitability.new_name_placeholder"),
            layout=W.Layout(width="100%"), continuous_update=False,
        )
        self.new_name.add_class(STACKED)
        self.new_kind = W.Dropdown(
            description=tr("suitability.new_kind"),
            options=[(tr(f"suitability.kind_{k}"), k) for k in CASE_KINDS],
            value="unit",
            style={"description_width": "initial"},
        )
        self.add_button = W.Button(description=tr("suitability.add"), button_style="primary")
        self.add_button.on_click(lambda _: self.add_case())
        self.add_message = W.HTML()
        add_form = W.VBox(
            [
                heading(tr("suitability.add_heading"), 4),
                self.new_name,
                W.HBox([self.new_kind, self.add_button], layout=W.Layout(align_items="center")),
                self.add_message,
            ]
        )
        add_form.add_class("hk-card")
        self.cases_box = W.VBox(layout=W.Layout(width="100%"))
        self.matrix = W.HTML()
        self._rebuild_cases()
        return [
            paragraph(tr("steps.suitability_intro")),
            *self._discussion(),
            heading(tr("suitability.cases_heading")),
            paragraph(tr("suitability.cases_help")),
            add_form,
            self.cases_box,
            heading(tr("suitability.matrix_heading")),
            self.matrix,
        ]

    def _discussion(self) -> list[W.Widget]:
        s, tr = self.session, self.tr
        out: list[W.Widget] = [
            heading(tr("suitability.discussion_heading")),
            W.HTML(
                f"<blockquote class='hk-quote'>{esc(tr('suitability.discussion_quote'))}"
                f"</blockquote><p class='hk-source'>{esc(tr('suitability.source'))}</p>"
            ),
            paragraph(tr("suitability.discussion_help")),
        ]
        for theme in DISCUSSION_THEMES:
            name = tr(f"suitability.theme_{theme}")
            inputs = []
            for side in ("advantages", "drawbacks"):
                widget = text(
                    s, tr(f"suitability.{side}", theme=name),
                    lambda wb, t_=theme, d=side: getattr(wb.suitability.discussion[t_], d),
                    _set_discussion(theme, side), multiline=True, rows=3,
                )
                self.discussion_inputs[(theme, side)] = widget
                inputs.append(widget)
            card = W.VBox([heading(name, 4), W.HBox(inputs, layout=W.Layout(width="100%"))])
            card.add_class("hk-card")
            out.append(card)
        return out

    def _rebuild_cases(self) -> None:
        """Build the case picker and the editor of the shown case anew."""
        tr = self.tr
        cases = self.session.workbook.suitability.cases
        self.answer_inputs, self.note_inputs = {}, {}
        if not cases:
            self.case_id = None
            self.cases_box.children = [paragraph(tr("suitability.no_cases"))]
            self.refresh()
            return
        if self.case_id not in {c.id for c in cases}:
            self.case_id = cases[0].id
        self.case_picker = W.Dropdown(
            description=tr("suitability.picker"),
            options=[(c.name, c.id) for c in cases],
            value=self.case_id,
            style={"description_width": "initial"},
            layout=W.Layout(width="auto"),
        )
        self.case_picker.observe(lambda c: self.select_case(c["new"]), names="value")
        self.case_picker.add_class(VIEW_ONLY)
        self.editor = W.VBox(self._case_editor(self.case_id), layout=W.Layout(width="100%"))
        self.cases_box.children = [self.case_picker, self.editor]
        self.refresh()

    def _case_editor(self, case_id: str) -> list[W.Widget]:
        s, tr = self.session, self.tr
        case = find_case(s.workbook, case_id)
        cid = case_id

        kind = choice(
            s, tr("suitability.case_kind"), [(tr(f"suitability.kind_{k}"), k) for k in CASE_KINDS],
            lambda wb: find_case(wb, cid).kind,
            lambda wb, v: setattr(find_case(wb, cid), "kind", v),
        )
        kind.observe(lambda _: self.refresh(), names="value")
        self.kind_input = kind
        self.description_input = text(
            s, tr("suitability.description"), lambda wb: find_case(wb, cid).description,
            lambda wb, v: setattr(find_case(wb, cid), "description", v), multiline=True, rows=2,
        )
        # Rename and delete.
        self.rename_input = W.Text(
            value=case.name, description=tr("suitability.rename_label", name=case.name),
            layout=W.Layout(width="100%"), continuous_update=False,
        )
        self.rename_input.add_class(STACKED)
        self.rename_button = W.Button(description=tr("suitability.rename"))
        self.rename_button.on_click(lambda _: self.rename_case(cid, self.rename_input.value))
        self.rename_message = W.HTML()
        self.delete_button = W.Button(description=tr("suitability.delete"))
        self.confirm_delete_button = W.Button(
            description=tr("suitability.delete_confirm"), button_style="danger"
        )
        self.cancel_delete_button = W.Button(description=tr("suitability.delete_cancel"))
        self.confirm_box = W.VBox(
            [
                paragraph(tr("suitability.delete_confirm_text", name=case.name), "hk-error"),
                W.HBox([self.confirm_delete_button, self.cancel_delete_button]),
            ],
            layout=W.Layout(display="none"),
        )
        self.delete_button.on_click(lambda _: self._show_confirm(True))
        self.cancel_delete_button.on_click(lambda _: self._show_confirm(False))
        self.confirm_delete_button.on_click(lambda _: self.delete_case(cid))
        details = W.VBox(
            [
                kind,
                self.description_input,
                self.rename_input,
                W.HBox([self.rename_button, self.delete_button]),
                self.rename_message,
                self.confirm_box,
            ]
        )
        details.add_class("hk-card")

        # The eight questions.
        options = [(tr("suitability.answer_none"), "")] + [
            (tr(f"suitability.answer_{a}"), a) for a in ANSWERS
        ]
        questions: list[W.Widget] = []
        for no, q in enumerate(SUITABILITY_QUESTIONS, start=1):
            answer = choice(
                s, tr("suitability.question_label", no=no, question=question_text(q, s.lang)),
                options,
                lambda wb, q_=q: find_case(wb, cid).answers[q_].answer or "",
                lambda wb, v, q_=q: setattr(find_case(wb, cid).answers[q_], "answer", v or None),
            )
            answer.add_class(STACKED)
            answer.observe(lambda _: self.refresh(), names="value")
            note = text(
                s, tr("suitability.note", no=no),
                lambda wb, q_=q: find_case(wb, cid).answers[q_].note,
                lambda wb, v, q_=q: setattr(find_case(wb, cid).answers[q_], "note", v),
                multiline=True, rows=2,
            )
            self.answer_inputs[q], self.note_inputs[q] = answer, note
            card = W.VBox([answer, note])
            card.add_class("hk-card")
            questions.append(card)

        # The verdict.
        self.suggestion = W.HTML()
        self.accept_button = W.Button(description=tr("suitability.accept"))
        self.accept_button.on_click(lambda _: self.accept_suggestion())
        self.verdict_input = choice(
            s, tr("suitability.verdict", name=case.name),
            [(tr(f"suitability.verdict_{v}"), v) for v in VERDICTS],
            lambda wb: find_case(wb, cid).verdict,
            lambda wb, v: setattr(find_case(wb, cid), "verdict", v),
        )
        self.verdict_input.add_class(STACKED)
        self.verdict_input.observe(lambda _: self.refresh(), names="value")
        self.verdict_note_input = text(
            s, tr("suitability.verdict_note"), lambda wb: find_case(wb, cid).verdict_note,
            lambda wb, v: setattr(find_case(wb, cid), "verdict_note", v), multiline=True, rows=3,
        )
        rule = W.HTML(
            f"<details><summary>{esc(tr('suitability.rule_summary'))}</summary>"
            f"<p class='hk-help'>{esc(tr('suitability.rule_explained'))}</p></details>"
        )
        verdict = W.VBox(
            [
                heading(tr("suitability.verdict_heading"), 4),
                paragraph(tr("suitability.verdict_help")),
                self.suggestion,
                rule,
                self.accept_button,
                self.verdict_input,
                self.verdict_note_input,
            ]
        )
        verdict.add_class("hk-card")
        return [
            heading(tr("suitability.case_heading", name=case.name), 3),
            details,
            heading(tr("suitability.questions_heading"), 4),
            paragraph(tr("suitability.questions_help")),
            W.HTML(f"<p class='hk-source'>{esc(tr('suitability.questions_source'))}</p>"),
            *questions,
            verdict,
        ]

    # --- reacting ------------------------------------------------------------------

    def refresh(self) -> None:
        """Update the suggestion and the matrix from the document."""
        wb, lang = self.session.workbook, self.session.lang
        self.matrix.value = matrix_html(wb, lang)
        if self.case_id is None or not hasattr(self, "suggestion"):
            return
        try:
            case = find_case(wb, self.case_id)
        except ValueError:
            return
        sug = suggest(case)
        items = "".join(f"<li>{esc(line)}</li>" for line in sug.lines(lang))
        differs = ""
        if case.verdict != sug.verdict and case.verdict != "undecided":
            differs = f"<p class='hk-help'><strong>{esc(self.tr('suitability.verdict_differs'))}"
            differs += "</strong></p>"
        head = self.tr("suitability.suggestion_text",
                       verdict=self.tr(f"suitability.verdict_{sug.verdict}"))
        self.suggestion.value = (
            f"<div class='hk-suggestion'><p><strong>{esc(head)}</strong></p>"
            f"<ul>{items}</ul>{differs}</div>"
        )

    def _show_confirm(self, show: bool) -> None:
        self.confirm_box.layout.display = "flex" if show else "none"
        # Into the question when it opens; back to "delete" when it closes (a hidden
        # button would take the keyboard focus with it).
        (self.cancel_delete_button if show else self.delete_button).focus()

    def _status_problem(self) -> str:
        st = self.session.status
        return self.tr(st.key, **dict(st.fields))

    def _name_problem(self, name: str, except_id: str | None = None) -> str:
        """Why ``name`` cannot be a case's name; empty when it can."""
        if not name:
            return self.tr("suitability.name_empty")
        if len(name) > MAX_NAME:
            return self.tr("suitability.name_too_long", max=MAX_NAME)
        for case in self.session.workbook.suitability.cases:
            if case.id != except_id and case.name.strip().casefold() == name.casefold():
                return self.tr("suitability.name_duplicate", name=case.name)
        return ""

    # --- actions (tests call these, or click the buttons) --------------------------

    def add_case(self, name: str | None = None, kind: str | None = None) -> str | None:
        """Add a case from the form (or the arguments); its id, or None with a message."""
        name = (self.new_name.value if name is None else name).strip()
        kind = kind or self.new_kind.value
        problem = self._name_problem(name)
        if problem:
            self.add_message.value = message_html(problem, error=True)
            return None
        cid = new_id()
        ok = self.session.edit(
            lambda wb: wb.suitability.cases.append(Case(id=cid, name=name, kind=kind))
        )
        if not ok:
            self.add_message.value = message_html(self._status_problem(), error=True)
            return None
        self.new_name.value = ""
        self.add_message.value = message_html(self.tr("suitability.added", name=name))
        self.case_id = cid
        self._rebuild_cases()
        return cid

    def rename_case(self, case_id: str, name: str) -> bool:
        """Rename a case; False with a message in place when the name is refused."""
        name = name.strip()
        problem = self._name_problem(name, except_id=case_id)
        if problem:
            self.rename_message.value = message_html(problem, error=True)
            return False
        if not self.session.edit(lambda wb: setattr(find_case(wb, case_id), "name", name)):
            self.rename_message.value = message_html(self._status_problem(), error=True)
            return False
        self.case_id = case_id
        self._rebuild_cases()
        self.rename_message.value = message_html(self.tr("suitability.renamed", name=name))
        self.rename_input.focus()  # the old input is gone with the rebuild
        return True

    def delete_case(self, case_id: str) -> bool:
        """Delete a case, and its arrangement in step 4."""
        try:
            name = find_case(self.session.workbook, case_id).name
        except ValueError:
            return False

        def change(wb: Workbook) -> None:
            wb.suitability.cases = [c for c in wb.suitability.cases if c.id != case_id]
            wb.arrangement.arrangements = [
                a for a in wb.arrangement.arrangements if a.case_id != case_id
            ]

        if not self.session.edit(change):
            return False
        self._rebuild_cases()
        self.add_message.value = message_html(self.tr("suitability.deleted", name=name))
        self.new_name.focus()  # the deleted case's buttons are gone
        return True

    def select_case(self, case_id: str) -> None:
        """Show the case ``case_id`` in the editor."""
        if hasattr(self, "case_picker") and self.case_picker.value != case_id:
            self.case_picker.value = case_id  # its observer comes back here
            return
        self.case_id = case_id
        try:
            self.editor.children = self._case_editor(case_id)
        except ValueError:  # deleted meanwhile (another tab): show what is there
            self._rebuild_cases()
            return
        self.refresh()

    def accept_suggestion(self) -> None:
        """Take the suggested verdict as the case's verdict."""
        if self.case_id is None:
            return
        try:
            case = find_case(self.session.workbook, self.case_id)
        except ValueError:
            return
        self.verdict_input.value = suggest(case).verdict
