"""Step 4 without a browser: set `.value`, `.click()`, read the model and the store."""

from __future__ import annotations

from datetime import date

import ipywidgets as W
import pytest

from hjemmekit.model import WEEKDAYS, Case
from hjemmekit.session import Session
from hjemmekit.widgets.app import App
from hjemmekit.widgets.arrangement import ArrangementView
from hjemmekit.widgets.base import walk as _walk

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def cases(session: Session) -> Session:
    """Three cases: suitable, partly suitable, not suitable (and one undecided)."""
    session.edit(lambda wb: wb.suitability.cases.extend([
        Case(id="loen", name="Lønkontoret", verdict="suitable"),
        Case(id="jura", name="Jura", verdict="partly"),
        Case(id="recep", name="Reception", verdict="not_suitable"),
        Case(id="it", name="IT-support", verdict="undecided"),
    ]))
    return session


def arrangement(store, session: Session, case_id: str = "loen"):
    wb = store.open(session.workbook.id)
    return next(a for a in wb.arrangement.arrangements if a.case_id == case_id)


def test_no_suitable_case_explains_and_points_to_step_three(session: Session):
    session.edit(lambda wb: wb.suitability.cases.append(Case(name="Reception")))
    view = ArrangementView(session)
    assert "trin 3" in view.no_cases.value and "Egnethed" in view.no_cases.value
    assert not [w for w in _walk(view) if isinstance(w, W.Dropdown)]
    session.set_lang("en")
    assert "step 3" in ArrangementView(session).no_cases.value


def test_only_suitable_and_partly_suitable_cases_are_shown(cases: Session):
    view = ArrangementView(cases)
    assert [label for label, _ in view.case_picker.options] == ["Lønkontoret", "Jura"]
    assert "Reception" in view.children[2].value and "IT-support" in view.children[2].value
    assert "Lønkontoret" in view.overview.value and "Reception" not in view.overview.value


def test_kind_days_average_and_screen_work_are_saved(cases: Session, store):
    view = ArrangementView(cases)
    assert cases.workbook.arrangement.arrangements == []  # nothing until a change
    view.kind_input.value = "fixed_recurring"
    view.home_day_inputs["fri"].value = True
    view.home_day_inputs["mon"].value = True
    view.office_day_inputs["wed"].value = True
    view.screen_input.value = False
    arr = arrangement(store, cases)
    assert arr.kind == "fixed_recurring"
    assert arr.home_days == ["mon", "fri"] and arr.office_days == ["wed"]
    assert arr.screen_work_at_home is False
    view.home_day_inputs["mon"].value = False
    assert arrangement(store, cases).home_days == ["fri"]

    view.case_picker.value = "jura"
    view.kind_input.value = "ad_hoc"
    view.average_input.value = 1.5
    jura = arrangement(store, cases, "jura")
    assert (jura.kind, jura.home_days_per_week) == ("ad_hoc", 1.5)
    view.average_input.value = ""
    assert arrangement(store, cases, "jura").home_days_per_week is None
    view.case_picker.value = "loen"
    assert view.home_day_inputs["fri"].value and not view.home_day_inputs["mon"].value


def test_a_day_cannot_be_both_home_and_office(cases: Session, store):
    view = ArrangementView(cases)
    view.home_day_inputs["tue"].value = True
    revision = store.open(cases.workbook.id).revision
    view.office_day_inputs["tue"].value = True
    assert view.office_day_inputs["tue"].value is False  # the tick is taken back
    assert "hk-error" in view.days_message.value and "tirsdag" in view.days_message.value
    arr = arrangement(store, cases)
    assert arr.home_days == ["tue"] and arr.office_days == []
    assert store.open(cases.workbook.id).revision == revision
    # The other way round, too; then a valid tick clears the message.
    view.office_day_inputs["thu"].value = True
    view.home_day_inputs["thu"].value = False
    view.home_day_inputs["thu"].value = True
    assert view.home_day_inputs["thu"].value is False
    assert arrangement(store, cases).home_days == ["tue"]
    view.home_day_inputs["wed"].value = True
    assert view.days_message.value == ""


def test_meeting_rules_are_added_edited_and_removed(cases: Session, store):
    view = ArrangementView(cases)
    view.defaults_button.click()
    names = [r.meeting_type for r in arrangement(store, cases).meeting_rules]
    assert names == ["Afdelingsmøde", "Teammøde", "Møder med eksterne"]
    view.defaults_button.click()  # nothing twice
    assert len(arrangement(store, cases).meeting_rules) == 3
    view.meeting_mode_inputs[0].value = "physical"
    view.meeting_note_inputs[2].value = "Som udgangspunkt virtuelt"
    view.new_meeting.value = "Fredagsbar"
    view.add_meeting_button.click()
    view.new_meeting.value = " teammøde "
    view.add_meeting_button.click()
    assert "findes allerede" in view.meeting_message.value
    view.new_meeting.value = ""
    view.add_meeting_button.click()
    assert "hk-error" in view.meeting_message.value
    rules = arrangement(store, cases).meeting_rules
    assert [r.meeting_type for r in rules][-1] == "Fredagsbar" and len(rules) == 4
    assert rules[0].mode == "physical" and rules[2].note == "Som udgangspunkt virtuelt"
    view.meeting_remove_buttons[1].click()
    rules = arrangement(store, cases).meeting_rules
    assert [r.meeting_type for r in rules] == ["Afdelingsmøde", "Møder med eksterne", "Fredagsbar"]
    assert view.meeting_type_inputs[1].value == "Møder med eksterne"
    view.meeting_type_inputs[2].value = "Fredagsmøde"
    assert arrangement(store, cases).meeting_rules[2].meeting_type == "Fredagsmøde"


def test_reflection_questions_are_quoted_and_saved(cases: Session, store):
    view = ArrangementView(cases)
    q = view.reflection_inputs["ad_hoc_need"]
    assert q.description == "Tilsiger behovet, at hjemmearbejdet aftales ad hoc?"
    assert view.reflection_inputs["meeting_rules"].description.startswith(
        "Skal I have udmeldinger vedr. mødeafholdelse")
    q.value = "Ja, mest ad hoc"
    view.reflection_inputs["fixed_need"].value = "Måske onsdage"
    assert arrangement(store, cases).reflections == {
        "ad_hoc_need": "Ja, mest ad hoc", "fixed_need": "Måske onsdage"}


def test_flags_appear_with_source_and_requirements_can_be_ticked(cases: Session, store):
    view = ArrangementView(cases)
    assert "Vælg først ad hoc" in view.warnings.value
    view.kind_input.value = "fixed_recurring"
    local = view.requirement_texts["local_agreement"].value
    assert "Lokalaftale" in local and "krævet" in local and "Kilde:" in local
    assert "Kontakttid" in view.requirement_texts["individual_agreements"].value
    assert "Mangler" in view.requirement_texts["su_informed"].value
    assert "Lokalaftale med tillidsrepræsentanten" in view.overview.value

    view.requirement_inputs["su_informed"].value = True
    view.requirement_date_inputs["su_informed"].value = date(2026, 11, 20)
    view.requirement_note_inputs["su_informed"].value = "SU-møde i november"
    status = arrangement(store, cases).requirements["su_informed"]
    assert (status.done, status.date, status.note) == (True, date(2026, 11, 20),
                                                      "SU-møde i november")
    assert "Udført" in view.requirement_texts["su_informed"].value
    # A fresh view shows the saved state.
    view = ArrangementView(cases)
    assert view.requirement_inputs["su_informed"].value is True
    assert view.requirement_date_inputs["su_informed"].value == date(2026, 11, 20)


@pytest.mark.parametrize(("days", "required"), [(("mon", "wed"), False),
                                                (("mon", "wed", "fri"), True)])
def test_screen_work_requirement_from_two_or_three_fixed_home_days(cases: Session, days, required):
    view = ArrangementView(cases)
    view.kind_input.value = "fixed_recurring"
    for d in days:
        view.home_day_inputs[d].value = True
    screen = view.requirement_texts["screen_equipment"].value
    assert ("– krævet" in screen) is required
    assert ("ikke krævet" in screen) is not required


def test_warnings_for_ad_hoc_with_fixed_days_and_all_five_days(cases: Session):
    view = ArrangementView(cases)
    view.kind_input.value = "ad_hoc"
    view.home_day_inputs["mon"].value = True
    assert "fast tilbagevendende" in view.warnings.value and "Advarsel" in view.warnings.value
    for d in WEEKDAYS:
        view.home_day_inputs[d].value = True
    assert "del af arbejdstiden" in view.warnings.value
    assert "Faste hjemmedage" in view.overview.value  # listed under warnings


def test_user_text_is_escaped(cases: Session):
    cases.edit(lambda wb: setattr(wb.suitability.cases[0], "name", SCRIPT))
    view = ArrangementView(cases)
    view.new_meeting.value = SCRIPT
    view.add_meeting_button.click()
    for w in _walk(view):
        if isinstance(w, W.HTML):
            assert "<script>" not in w.value
    assert "&lt;script&gt;" in view.overview.value


def test_english_keeps_the_data(cases: Session):
    view = ArrangementView(cases)
    view.kind_input.value = "fixed_recurring"
    view.home_day_inputs["mon"].value = True
    cases.set_lang("en")
    view = ArrangementView(cases)
    assert view.kind_input.value == "fixed_recurring"
    assert view.home_day_inputs["mon"].value and view.home_day_inputs["mon"].description == (
        "Home day: Monday")
    assert "Local agreement" in view.requirement_texts["local_agreement"].value
    assert "Fixed recurring" in view.overview.value


def test_app_step_four_and_its_missing_list(cases: Session):
    app = App(cases, step=3)
    view = app.body.children[0]
    assert isinstance(view, ArrangementView)
    assert "»Lønkontoret«: vælg ad hoc eller fast" in app.missing.value
    view.kind_input.value = "ad_hoc"
    view.average_input.value = 1.0
    assert "Lønkontoret" not in app.missing.value and "»Jura«" in app.missing.value
    assert "APV" in view.overview.value  # the open requirement, shown in the step


def test_every_input_has_a_label_and_every_button_text(cases: Session):
    view = ArrangementView(cases)
    view.defaults_button.click()
    for w in _walk(view):
        if isinstance(w, W.Button):
            assert w.description.strip()
        elif isinstance(w, W.ValueWidget) and not isinstance(w, W.HTML):
            assert w.description.strip(), w


