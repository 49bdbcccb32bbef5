"""Step 3 without a browser: set `.value`, `.click()`, read the model and the store."""

from __future__ import annotations

import re

import pytest

from hjemmekit.model import SUITABILITY_QUESTIONS, Case, CaseAnswer, CaseArrangement
from hjemmekit.session import Session
from hjemmekit.verdict import (
    ANSWER_COLOURS,
    VERDICT_COLOURS,
    cases_frame,
    contrast_ratio,
    matrix_html,
    suggest,
)
from hjemmekit.widgets.app import App
from hjemmekit.widgets.base import walk as _walk
from hjemmekit.widgets.suitability import SuitabilityView

SCRIPT = "<script>alert(1)</script>"


def case_with(*answers: str | None, **kw) -> Case:
    """A case answering the eight questions in order (missing ones unanswered)."""
    filled = list(answers) + [None] * (8 - len(answers))
    pairs = zip(SUITABILITY_QUESTIONS, filled, strict=True)
    return Case(
        name=kw.pop("name", "Tilfælde"),
        answers={q: CaseAnswer(answer=a) for q, a in pairs},
        **kw,
    )


def saved(store, session: Session):
    return store.open(session.workbook.id)


# --- the discussion ---------------------------------------------------------------------


def test_discussion_is_saved(session: Session, store):
    view = SuitabilityView(session)
    view.discussion_inputs[("productivity", "advantages")].value = "Mere ro til fordybelse"
    view.discussion_inputs[("recruitment_retention", "drawbacks")].value = "Svært for nye"
    disc = saved(store, session).suitability.discussion
    assert disc["productivity"].advantages == "Mere ro til fordybelse"
    assert disc["recruitment_retention"].drawbacks == "Svært for nye"
    labels = {w.description for w in view.discussion_inputs.values()}
    assert "Fordele – Produktivitet" in labels and len(labels) == 10


# --- cases ------------------------------------------------------------------------------


def test_add_rename_and_delete_a_case(session: Session, store):
    view = SuitabilityView(session)
    view.new_name.value = "Lønkontoret"
    view.new_kind.value = "unit"
    view.add_button.click()
    cases = saved(store, session).suitability.cases
    assert [(c.name, c.kind) for c in cases] == [("Lønkontoret", "unit")]
    assert view.new_name.value == "" and "tilføjet" in view.add_message.value
    cid = cases[0].id
    assert view.case_picker.value == cid

    view.rename_input.value = "  Løn og personale "
    view.rename_button.click()
    assert saved(store, session).suitability.cases[0].name == "Løn og personale"
    assert view.case_picker.options[0][0] == "Løn og personale"

    session.edit(lambda wb: wb.arrangement.arrangements.append(CaseArrangement(case_id=cid)))
    view.delete_button.click()
    assert view.confirm_box.layout.display == "flex"
    assert saved(store, session).suitability.cases  # nothing deleted before confirming
    view.confirm_delete_button.click()
    wb = saved(store, session)
    assert wb.suitability.cases == [] and wb.arrangement.arrangements == []
    assert "ingen tilfælde" in view.cases_box.children[0].value


def test_cancel_delete_keeps_the_case(session: Session, store):
    view = SuitabilityView(session)
    view.add_case("Sagsbehandlere", "role")
    view.delete_button.click()
    view.cancel_delete_button.click()
    assert view.confirm_box.layout.display == "none"
    assert [c.name for c in saved(store, session).suitability.cases] == ["Sagsbehandlere"]


@pytest.mark.parametrize("name", ["", "   ", "lønkontoret", " LØNKONTORET "])
def test_empty_or_duplicate_names_are_refused_in_place(session: Session, store, name):
    view = SuitabilityView(session)
    assert view.add_case("Lønkontoret")
    revision = saved(store, session).revision
    view.new_name.value = name
    view.add_button.click()
    assert "hk-error" in view.add_message.value
    assert ("allerede" in view.add_message.value) == bool(name.strip())
    wb = saved(store, session)
    assert [c.name for c in wb.suitability.cases] == ["Lønkontoret"]
    assert wb.revision == revision


def test_rename_to_a_taken_name_is_refused(session: Session, store):
    view = SuitabilityView(session)
    view.add_case("Løn")
    second = view.add_case("Reception")
    assert view.case_id == second
    view.rename_input.value = "løn"
    view.rename_button.click()
    assert "allerede" in view.rename_message.value
    assert [c.name for c in saved(store, session).suitability.cases] == ["Løn", "Reception"]


def test_answers_notes_and_kind_are_saved(session: Session, store):
    view = SuitabilityView(session)
    view.add_case("Høringssvar", "task")
    view.answer_inputs["task"].value = "ja"
    view.answer_inputs["equipment"].value = "ved_ikke"
    view.note_inputs["task"].value = "Kræver ro"
    view.kind_input.value = "role"
    view.description_input.value = "Skriftlige høringssvar"
    case = saved(store, session).suitability.cases[0]
    assert case.answers["task"].answer == "ja" and case.answers["task"].note == "Kræver ro"
    assert case.answers["equipment"].answer == "ved_ikke"
    assert case.answers["colleagues"].answer is None
    assert case.kind == "role" and case.description == "Skriftlige høringssvar"
    view.answer_inputs["task"].value = ""  # back to unanswered
    assert saved(store, session).suitability.cases[0].answers["task"].answer is None


def test_each_question_is_quoted_as_the_guidance_words_it(session: Session):
    view = SuitabilityView(session)
    view.add_case("Løn")
    labels = [view.answer_inputs[q].description for q in SUITABILITY_QUESTIONS]
    assert labels[0] == "1. Egner opgaven sig til at blive løst hjemmefra?"
    assert labels[4].endswith("kollegerne i form af fx samarbejde og videndeling")
    options = [label for label, _ in view.answer_inputs["task"].options]
    assert options == ["Ikke besvaret", "Ja", "Delvist", "Nej", "Ved ikke"]
    assert all(w.description for w in view.note_inputs.values())


def test_switching_cases_shows_each_case_own_answers(session: Session, store):
    view = SuitabilityView(session)
    first = view.add_case("Løn")
    view.answer_inputs["task"].value = "nej"
    second = view.add_case("Jura")
    assert view.answer_inputs["task"].value == ""
    view.answer_inputs["task"].value = "ja"
    view.case_picker.value = first
    assert view.case_id == first and view.answer_inputs["task"].value == "nej"
    answers = {c.id: c.answers["task"].answer for c in saved(store, session).suitability.cases}
    assert answers == {first: "nej", second: "ja"}


# --- the verdict ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "verdict", "rule"),
    [
        (("nej",) + ("ja",) * 7, "not_suitable", "task_no"),
        (("nej",), "not_suitable", "task_no"),
        (("ja",) * 8, "suitable", "all_yes"),
        (("ja", "delvist") + ("ja",) * 6, "partly", "mixed"),
        (("ja", "nej", "nej", "nej") + ("ja",) * 4, "partly", "mixed"),
        (("ja", "nej", "nej", "nej", "nej", "ja", "ja", "ja"), "not_suitable", "many_no"),
        (("ja",) * 7 + ("ved_ikke",), "partly", "mixed"),
        (("ja",) * 4 + ("ved_ikke",) * 4, "undecided", "too_unknown"),
        ((), "undecided", "too_unknown"),
        (("ved_ikke",) + ("ja",) * 7, "undecided", "task_unknown"),
        ((None, "ja", "ja", "nej", "ja", "ja", "ja", "ja"), "undecided", "task_unknown"),
    ],
)
def test_verdict_suggestion_rules(answers, verdict, rule):
    s = suggest(case_with(*answers))
    assert (s.verdict, s.rule) == (verdict, rule)


def test_suggestion_lists_which_questions_pulled_which_way():
    s = suggest(case_with("ja", "delvist", "nej", "ved_ikke", None, "ja", "ja", "ja"))
    assert s.questions("for") == ["task", "culture", "training", "equipment"]
    assert s.questions("partly") == ["employee_ready"]
    assert s.questions("against") == ["manager_ready"]
    assert s.questions("unknown") == ["top_management", "colleagues"]
    lines = s.lines("da")
    assert lines[0].startswith("Svarene er blandede")
    assert "Taler imod: Personalelederen." in lines
    assert "Ikke afklaret: Topledelsen, Kollegerne." in lines
    assert "Speaks against: The line manager." in s.lines("en")
    assert s.text("da").startswith("Forslag ud fra svarene: Delvist egnet.")


def test_leader_accepts_or_overrides_the_suggestion(session: Session, store):
    view = SuitabilityView(session)
    view.add_case("Løn")
    for q in SUITABILITY_QUESTIONS:
        view.answer_inputs[q].value = "ja"
    assert "Forslag ud fra svarene: Egnet." in view.suggestion.value
    assert saved(store, session).suitability.cases[0].verdict == "undecided"
    view.accept_button.click()
    assert saved(store, session).suitability.cases[0].verdict == "suitable"

    view.answer_inputs["colleagues"].value = "delvist"
    assert "Delvist egnet" in view.suggestion.value
    assert "afviger fra forslaget" in view.suggestion.value  # the leader's choice stays
    view.verdict_input.value = "not_suitable"
    view.verdict_note_input.value = "Vi prioriterer videndeling"
    case = saved(store, session).suitability.cases[0]
    assert (case.verdict, case.verdict_note) == ("not_suitable", "Vi prioriterer videndeling")


# --- the overview matrix ----------------------------------------------------------------


def test_matrix_has_text_labels_headers_and_a_caption(session: Session):
    session.edit(lambda wb: wb.suitability.cases.extend([
        case_with("ja", "delvist", "nej", "ved_ikke", name="Løn", verdict="partly"),
        case_with(*("ja",) * 8, name="Jura"),
    ]))
    html = matrix_html(session.workbook, "da")
    assert "<caption" in html and html.count("scope='col'") == 11
    assert html.count("scope='row'") == 2
    for word in ("Ja", "Delvist", "Nej", "Ved ikke", "Ikke besvaret", "Egnet", "Delvist egnet"):
        assert f">{word}</td>" in html
    # Every coloured cell carries text: no empty cells.
    assert not re.search(r"<td[^>]*></td>", html)
    view = SuitabilityView(session)
    assert view.matrix.value == html


def test_matrix_and_view_escape_user_text(session: Session, store):
    view = SuitabilityView(session)
    view.add_case(SCRIPT)
    view.note_inputs["task"].value = SCRIPT
    view.verdict_note_input.value = SCRIPT
    assert saved(store, session).suitability.cases[0].name == SCRIPT
    html = view.matrix.value
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    for widget in _html_widgets(view):
        assert "<script>" not in widget.value


def test_cell_colours_meet_wcag_aa_contrast():
    for bg, fg in [*ANSWER_COLOURS.values(), *VERDICT_COLOURS.values()]:
        assert contrast_ratio(bg, fg) >= 4.5, (bg, fg)
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21)


def test_cases_frame_is_plain_text(session: Session):
    session.edit(lambda wb: wb.suitability.cases.append(case_with(*("ja",) * 8, name="Jura")))
    frame = cases_frame(session.workbook, "da")
    assert list(frame.index) == ["Jura"]
    assert frame.loc["Jura", "1. Opgaven"] == "Ja" and frame.loc["Jura", "Forslag"] == "Egnet"
    assert frame.loc["Jura", "Vurdering"] == "Ikke afgjort"
    assert cases_frame(session.workbook, "en").columns[0] == "1. The task"


def test_cases_frame_and_matrix_without_cases(session: Session):
    empty = cases_frame(session.workbook, "da")
    assert empty.empty and list(empty.columns)[-2:] == ["Forslag", "Vurdering"]
    assert "<table" not in matrix_html(session.workbook, "da")


# --- language, app, errors --------------------------------------------------------------


def test_english_keeps_the_data(session: Session, store):
    view = SuitabilityView(session)
    view.add_case("Løn")
    view.answer_inputs["task"].value = "delvist"
    view.discussion_inputs[("quality", "advantages")].value = "Færre afbrydelser"
    session.set_lang("en")
    view = SuitabilityView(session)
    assert view.answer_inputs["task"].value == "delvist"
    assert view.answer_inputs["task"].description.startswith("1. Is the task suited")
    assert dict(view.answer_inputs["task"].options)["Partly"] == "delvist"
    assert view.discussion_inputs[("quality", "advantages")].value == "Færre afbrydelser"
    assert view.discussion_inputs[("quality", "advantages")].description.startswith("Advantages")
    assert "Partly" in view.matrix.value and "Case" in view.matrix.value
    assert saved(store, session).language == "en"


def test_the_app_shows_step_three(session: Session):
    app = App(session, step=2)
    view = app.body.children[0]
    assert isinstance(view, SuitabilityView)
    view.add_case("Løn")
    assert "»Løn«: 8 af de otte spørgsmål" in app.missing.value


def test_too_long_note_is_refused_and_the_model_kept(session: Session, store):
    view = SuitabilityView(session)
    view.add_case("Løn")
    view.note_inputs["task"].value = "x" * 20_001
    assert session.status.state == "error"
    assert saved(store, session).suitability.cases[0].answers["task"].note == ""


def test_every_input_has_a_label_and_every_button_text(session: Session):
    view = SuitabilityView(session)
    view.add_case("Løn")
    import ipywidgets as W

    for w in _walk(view):
        if isinstance(w, W.Button):
            assert w.description.strip()
        elif isinstance(w, W.ValueWidget) and not isinstance(w, W.HTML):
            assert w.description.strip(), w




def _html_widgets(widget):
    import ipywidgets as W

    return [w for w in _walk(widget) if isinstance(w, W.HTML)]


def test_a_case_deleted_elsewhere_is_no_traceback(session: Session):
    view = SuitabilityView(session)
    first = view.add_case("Løn")
    view.add_case("Jura")
    session.edit(lambda wb: setattr(wb.suitability, "cases", wb.suitability.cases[1:]))
    view.case_picker.value = first
    assert [label for label, _ in view.case_picker.options] == ["Jura"]
    view.answer_inputs["task"].value = "ja"
    assert session.workbook.suitability.cases[0].answers["task"].answer == "ja"
