"""The scenarios panel without a browser: set `.value`, `.click()`, read the model."""

from __future__ import annotations

import ipywidgets as W
import pandas as pd
import pytest

from hjemmekit import scenarios as sc
from hjemmekit.model import Case, CaseArrangement, MeetingRule
from hjemmekit.notebook import open_example
from hjemmekit.session import Session
from hjemmekit.widgets.arrangement import ArrangementView
from hjemmekit.widgets.base import walk as _walk
from hjemmekit.widgets.scenarios import ScenariosPanel

SCRIPT = "<script>alert(1)</script>"
UNITS = pd.DataFrame({"unit": ["A", "B", "C"], "headcount": [10, 12, 5], "desks": [8, 12, 4]})
SURVEY = pd.DataFrame({
    "date": pd.to_datetime(["2026-09-15"] * 11),
    "unit": ["A"] * 6 + ["C"] * 5,
    "role": ["employee"] * 11,
    "home_days_wanted": [0, 1, 2, 2, 3, 4, 0, 0, 1, 1, 2],
})
DATA = {"units": UNITS, "survey": SURVEY}


@pytest.fixture
def cases(session: Session) -> Session:
    def change(wb) -> None:
        wb.suitability.cases.extend([Case(id="c-a", name="A", verdict="suitable"),
                                     Case(id="c-b", name="B", verdict="partly")])
        wb.arrangement.arrangements.append(CaseArrangement(
            case_id="c-a", kind="ad_hoc", home_days_per_week=1.0,
            meeting_rules=[MeetingRule(meeting_type="Teammøde")]))

    session.edit(change)
    return session


def panel(session: Session, charts: bool = False) -> ScenariosPanel:
    return ScenariosPanel(session, data=DATA, charts=charts)


def _new(p: ScenariosPanel, name: str) -> str:
    p.new_name.value = name
    p.new_button.click()
    return p.scenario_id


def test_compare_two_scenarios_and_adopt_one(cases: Session, store):
    p = panel(cases)
    assert "Der er endnu ingen scenarier" in p.editor.children[0].value
    fixed = _new(p, "To faste dage for A")
    rule = p.rule_inputs[0]
    rule.all_units.value = False
    rule.units.value = ("A",)
    rule.kind.value = "fixed_recurring"
    rule.home["tue"].value = True
    rule.home["thu"].value = True
    ad_hoc = _new(p, "Ad hoc")
    p.rule_inputs[0].average.value = 1.0
    # Both are saved and compared side by side.
    saved = store.open(cases.workbook.id).arrangement.scenarios
    assert [s.name for s in saved] == ["To faste dage for A", "Ad hoc"]
    assert saved[0].rules[0].units == ["A"] and saved[0].rules[0].home_days == ["tue", "thu"]
    assert p.compare_input.value == (fixed, ad_hoc)
    first, second = p.comparison.results
    assert first.by_day == {"mon": 27, "tue": 17, "wed": 27, "thu": 17, "fri": 27}
    assert first.spare == -3 and second.by_day["mon"] == pytest.approx(21.6)
    html = p.results.value
    assert "3 mangler" in html and "2,4 i overskud" in html
    assert "<td>Lokalaftale</td>" not in html and "6 af 11" in html
    assert "Lokalaftale med tillidsrepræsentanten (krævet)" in html  # per rule, with a source
    assert "Kilde: Medarbejder- og Kompetencestyrelsen" in html
    # Choose the first: copied into step 4, the meeting rule kept, a confirmation shown.
    p.choose_input.value = fixed
    p.choose_button.click()
    assert "»To faste dage for A« er kopieret ind i trin 4" in p.choose_message.value
    assert "Uændret, fordi scenariet ikke dækker dem: B" in p.choose_message.value
    wb = store.open(cases.workbook.id)
    a = next(x for x in wb.arrangement.arrangements if x.case_id == "c-a")
    assert (a.kind, a.home_days, a.home_days_per_week) == ("fixed_recurring", ["tue", "thu"], None)
    assert a.meeting_rules[0].meeting_type == "Teammøde"
    assert wb.arrangement.chosen == fixed
    assert "Senest valgt til trin 4: »To faste dage for A«" in p.chosen_line.value


def test_a_day_cannot_be_both_home_and_office(cases: Session, store):
    p = panel(cases)
    _new(p, "S")
    rule = p.rule_inputs[0]
    rule.home["mon"].value = True
    rule.office["mon"].value = True
    assert rule.office["mon"].value is False
    assert "hk-error" in rule.message.value and "mandag" in rule.message.value
    saved = store.open(cases.workbook.id).arrangement.scenarios[0].rules[0]
    assert saved.home_days == ["mon"] and saved.office_days == []
    rule.office["tue"].value = True
    assert rule.message.value == ""


def test_rules_are_added_linked_to_cases_and_removed(cases: Session, store):
    p = panel(cases)
    sid = _new(p, "S")
    p.add_rule_button.click()
    assert len(p.rule_inputs) == 2
    p.rule_inputs[1].case.value = "c-b"
    p.rule_inputs[1].home["wed"].value = True
    rules = store.open(cases.workbook.id).arrangement.scenarios[0].rules
    assert rules[1].case_id == "c-b" and rules[1].home_days == ["wed"]
    assert p.comparison[0].by_unit.loc["B", "wed"] == 0  # the case names unit B
    p.rule_inputs[0].remove.click()
    rules = store.open(cases.workbook.id).arrangement.scenarios[0].rules
    assert len(rules) == 1 and rules[0].case_id == "c-b"
    assert p.rule_inputs[0].case.value == "c-b" and p.scenario_id == sid


def test_suggestions_rename_select_and_delete(cases: Session, store):
    p = panel(cases)
    assert p.add_suggestions() == 3
    names = [label for label, _ in p.picker.options]
    assert names == ["Som nu (trin 4)", "Kun ad hoc, 1 dag om ugen",
                     "Hjemme onsdag og fredag, fælles tirsdag"]
    assert len(p.compare_input.value) == 3 and len(p.comparison) == 3
    p.suggest_button.click()
    assert "findes allerede" in p.message.value
    p.select(p.picker.options[0][1])
    p.name_input.value = "Kun ad hoc, 1 dag om ugen"
    assert "findes allerede" in p.name_message.value
    p.name_input.value = "Nuværende"
    assert store.open(cases.workbook.id).arrangement.scenarios[0].name == "Nuværende"
    assert p.choose_input.options[0][0] == "Nuværende"
    p.delete_button.click()
    assert [s.name for s in store.open(cases.workbook.id).arrangement.scenarios] == [
        "Kun ad hoc, 1 dag om ugen", "Hjemme onsdag og fredag, fælles tirsdag"]
    assert "er slettet" in p.message.value and len(p.compare_input.value) == 2
    assert len(store.open(cases.workbook.id).arrangement.arrangements) == 1


def test_changes_to_a_rule_deleted_elsewhere_show_a_message(cases: Session, store):
    p = panel(cases)
    sid = _new(p, "S")
    stale = p.rule_inputs[0]
    cases.edit(lambda wb: sc.remove_rule(wb, sid, 0))  # another tab
    stale.kind.value = "fixed_recurring"
    assert "kunne ikke gemmes" in p.message.value and "no longer exists" in p.message.value
    stale.home["mon"].value = True
    assert "no longer exists" in stale.message.value
    assert store.open(cases.workbook.id).arrangement.scenarios[0].rules == []
    cases.edit(lambda wb: sc.remove_scenario(wb, sid))
    p.add_rule_button.click()
    assert "kunne ikke gemmes" in p.message.value


def test_names_must_be_given_and_unique(cases: Session):
    p = panel(cases)
    p.new_button.click()
    assert "Giv scenariet et navn" in p.message.value
    _new(p, "S")
    p.new_name.value = " s "
    p.new_button.click()
    assert "findes allerede" in p.message.value and len(p.picker.options) == 1


def test_comparing_one_none_or_too_many(cases: Session):
    p = panel(cases)
    ids = [_new(p, f"S{i}") for i in range(5)]
    assert p.compare_input.value == tuple(ids[:4])
    p.compare_input.value = tuple(ids)
    assert "Højst 4 scenarier" in p.results.value and len(p.comparison) == 4
    p.compare_input.value = (ids[0],)
    assert "Ét scenarie er valgt" in p.results.value
    p.compare_input.value = ()
    assert "Vælg mindst ét scenarie" in p.results.value and p.comparison is None


def test_privacy_a_unit_with_three_answers_is_not_shown(cases: Session):
    survey = pd.concat([SURVEY, pd.DataFrame({
        "date": pd.to_datetime(["2026-09-15"] * 3), "unit": ["B"] * 3,
        "role": ["employee"] * 3, "home_days_wanted": [5, 5, 5]})])
    p = ScenariosPanel(cases, data={"units": UNITS, "survey": survey}, charts=False)
    _new(p, "S")
    html = p.results.value
    row_b = html.split("<th scope='row'>B</th>")[-1].split("</tr>")[0]
    assert row_b.count("skjult") == 3 and "5" not in row_b.replace("1,0", "")
    assert "af 11" in html  # B's three answers are in no total


def test_english(cases: Session):
    cases.set_lang("en")
    p = panel(cases)
    _new(p, "S")
    assert p.new_button.description == "New scenario"
    assert p.rule_inputs[0].home["mon"].description == "Rule 1, home day: Monday"
    assert "Peak day" in p.results.value and "Source: Bloom, Han &amp; Liang" in p.context.value
    p.choose_button.click()
    assert "was copied into step 4" in p.choose_message.value


def test_charts_are_images_with_alt_text(cases: Session):
    p = panel(cases, charts=True)
    _new(p, "S")
    html = p.charts.value
    assert html.count("<img src='data:image/png;base64,") == 2
    assert "alt='Søjlediagram over forventet fremmøde pr. ugedag mod 24 arbejdspladser." in html
    assert "<figcaption>" in html


def test_context_figures_name_their_sources(cases: Session):
    p = panel(cases)
    assert "Trip.com" in p.context.value and "Kilde: Bloom, Han &amp; Liang" in p.context.value
    assert "Kilde: Danmarks Statistik" in p.context.value


def test_without_data_it_says_what_is_missing(session: Session):
    p = ScenariosPanel(session, charts=False)
    assert "ingen enhedsfil" in p.data_line.value
    p.new_name.value = "S"
    p.new_button.click()
    assert "kræver en enhedsfil" in p.results.value


def test_user_text_is_escaped(cases: Session):
    cases.edit(lambda wb: setattr(wb.suitability.cases[0], "name", SCRIPT))
    units = pd.DataFrame({"unit": [SCRIPT], "headcount": [5], "desks": [5]})
    p = ScenariosPanel(cases, data={"units": units}, charts=True)
    _new(p, SCRIPT)
    p.rule_inputs[0].all_units.value = False
    p.rule_inputs[0].units.value = (SCRIPT,)
    p.choose_button.click()
    for w in _walk(p):
        if isinstance(w, W.HTML):
            assert "<script>" not in w.value
    assert "&lt;script&gt;" in p.results.value


def test_every_input_has_a_label_and_every_button_text(cases: Session):
    p = panel(cases)
    p.add_suggestions()
    p.add_rule_button.click()
    for w in _walk(p):
        if isinstance(w, W.Button):
            assert w.description.strip()
        elif isinstance(w, W.ValueWidget) and not isinstance(w, W.HTML):
            assert w.description.strip(), w


def test_step_four_hosts_the_panel_in_a_collapsed_section(tmp_path):
    session = open_example("mellemstor-besluttet", tmp_path)
    view = ArrangementView(session)
    assert view.children[-1] is view.scenarios_section
    assert "Sammenlign scenarier" in view.scenarios_section.children[0].value
    assert view.scenarios_panel is None and not view.scenarios_open  # built when first opened
    assert view.scenarios_toggle.description == "Vis sammenligningen af scenarier"
    view.scenarios_toggle.click()
    p = view.scenarios_panel
    assert view.scenarios_open and view.scenarios_toggle.description.startswith("Skjul")
    assert isinstance(p, ScenariosPanel) and "42 enheder" in p.data_line.value
    p.add_suggestions()
    fixed = p.picker.options[-1][1]
    p.choose_input.value = fixed
    p.choose_button.click()
    assert "kopieret ind i trin 4 for 2 tilfælde" in p.choose_message.value
    # The step's overview and editor show the copied pattern at once.
    assert "onsdag, fredag" in view.overview.value
    assert view.home_day_inputs["wed"].value and view.office_day_inputs["tue"].value
    assert view.meeting_type_inputs[0].value == "Afdelingsmøde"  # kept
    view.scenarios_toggle.click()
    assert not view.scenarios_open and view.scenarios_panel is p


