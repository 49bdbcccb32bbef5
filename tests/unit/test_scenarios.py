"""Scenarios: occupancy, wishes, flags and together-days on small hand-computed cases;
choosing a scenario copies it into step 4; the examples and own files work."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from hjemmekit import io, scenario_charts
from hjemmekit import scenarios as sc
from hjemmekit.examples import generate
from hjemmekit.i18n import t
from hjemmekit.model import (
    Case,
    CaseArrangement,
    MeetingRule,
    RequirementStatus,
    Scenario,
    ScenarioRule,
    Workbook,
    load_workbook,
)
from hjemmekit.session import Session, examples_dir

# --- a tiny organisation ------------------------------------------------------------------
# A: 10 people, 8 desks; B: 12 people, 12 desks; C: 5 people, 4 desks.
UNITS = pd.DataFrame({"unit": ["A", "B", "C"], "group": ["trial", "trial", "comparison"],
                      "headcount": [10.0, 12.0, 5.0], "desks": [8.0, 12.0, 4.0]})


def _survey() -> pd.DataFrame:
    rows = []
    # A: an older wave (ignored) and the latest wave with six answers.
    rows += [("2026-08-15", "A", 5.0)] * 7
    rows += [("2026-09-15", "A", w) for w in (0, 1, 2, 2, 3, 4)]
    # B: three answers only (hidden: fewer than k = 5).
    rows += [("2026-09-15", "B", w) for w in (1, 2, 3)]
    # C: five answers in its latest wave (a different date from A's), one blank wish.
    rows += [("2026-07-15", "C", w) for w in (0, 0, 1, 1, 2)]
    rows += [("2026-07-15", "C", float("nan"))]
    frame = pd.DataFrame(rows, columns=["date", "unit", "home_days_wanted"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["role"] = "employee"
    return frame


@pytest.fixture
def data() -> sc.ScenarioData:
    return sc.prepare(units=UNITS, survey=_survey())


def _mixed() -> Scenario:
    return sc.scenario(
        "Blandet",
        sc.rule("A", home="tue thu"),
        sc.rule("B", average=1, office="mon"),
    )


# --- occupancy --------------------------------------------------------------------------


def test_two_fixed_home_days_for_a_unit_of_ten_with_eight_desks(data):
    r = sc.evaluate(sc.scenario("To dage", sc.rule("A", home="tue thu")), data)
    a = r.by_unit.loc["A"]
    assert [a[d] for d in ("mon", "tue", "wed", "thu", "fri")] == [10, 0, 10, 0, 10]
    assert r.units_short == {"A": 2.0, "C": 1.0}  # B has its own 12 desks
    assert r.together["A"] == ("mon", "wed", "fri")
    # B and C are covered by no rule: everyone in every day.
    assert [r.by_unit.loc["B", d] for d in ("mon", "fri")] == [12, 12]
    assert r.by_day == {"mon": 27, "tue": 17, "wed": 27, "thu": 17, "fri": 27}
    assert (r.peak_day, r.peak, r.desks, r.spare, r.missing) == ("mon", 27, 24, -3, 3)


def test_ad_hoc_average_is_spread_over_the_days_that_are_not_office_days(data):
    r = sc.evaluate(_mixed(), data)
    b = r.by_unit.loc["B"]
    # 1 home day over the four days that are not Monday: 12 * (1 - 1/4) = 9 on each.
    assert [b[d] for d in ("mon", "tue", "wed", "thu", "fri")] == [12, 9, 9, 9, 9]
    assert r.by_day == {"mon": 27, "tue": 14, "wed": 24, "thu": 14, "fri": 24}
    assert r.peak_day == "mon" and r.spare == -3
    assert r.together == {"A": ("mon", "wed", "fri"), "B": ("mon",),
                          "C": ("mon", "tue", "wed", "thu", "fri")}
    assert r.common_days == ("mon",) and r.units_together == 3
    assert r.by_unit.loc["B", "offered"] == 1.0
    assert r.average_home_days == pytest.approx((10 * 2 + 12 * 1) / 27)
    assert r.share_above_two == 0.0


def test_ad_hoc_without_office_days_and_peak_on_a_tie(data):
    r = sc.evaluate(sc.scenario("Ad hoc", sc.rule(all_units=True, average=1)), data)
    assert r.by_unit.loc["A", "wed"] == pytest.approx(8.0)
    assert r.by_day["mon"] == pytest.approx(27 * 0.8)
    assert r.peak_day == "mon"  # all days equal: the first
    assert r.spare == pytest.approx(24 - 21.6)
    assert r.together == {"A": (), "B": (), "C": ()} and r.common_days == ()
    assert r.units_short == {}


def test_no_rules_means_everyone_in_every_day(data):
    r = sc.evaluate(sc.scenario("Alle inde"), data)
    assert r.by_day == dict.fromkeys(("mon", "tue", "wed", "thu", "fri"), 27.0)
    assert r.spare == -3 and r.common_days == ("mon", "tue", "wed", "thu", "fri")


def test_peak_moves_to_the_common_office_day_and_desks_can_be_spare():
    units = pd.DataFrame({"unit": ["X", "Y"], "headcount": [10, 10], "desks": [10, 10]})
    s = sc.scenario("Forskudt", sc.rule("X", home="mon thu", office="tue"),
                    sc.rule("Y", home="wed fri", office="tue"))
    r = sc.evaluate(s, sc.prepare(units=units))
    assert r.by_day == {"mon": 10, "tue": 20, "wed": 10, "thu": 10, "fri": 10}
    assert (r.peak_day, r.peak, r.spare) == ("tue", 20, 0)
    assert r.common_days == ("tue",)
    assert r.wishes is None


def test_rule_precedence_named_units_before_all_other_units(data):
    s = sc.scenario("Regler", sc.rule(all_units=True, average=1), sc.rule("A", home="mon"),
                    sc.rule(["A", "Findes ikke"], home="fri"))
    r = sc.evaluate(s, data)
    assert r.by_unit["rule"].to_dict() == {"A": 1, "B": 0, "C": 0}
    keys = [k for k, _ in r.notes]
    assert "unit_twice" in keys and "unknown_units" in keys
    text = " ".join(sc.note_text(n) for n in r.notes)
    assert "Findes ikke" in text and "regel 2 gælder" in text


def test_a_rule_linked_to_a_case_covers_the_unit_the_case_names(data):
    wb = Workbook()
    wb.suitability.cases.append(Case(id="c-a", name=" a ", kind="unit"))
    r = sc.evaluate(sc.scenario("Tilfælde", sc.rule(case="c-a", home="mon")), data, wb)
    assert r.by_unit.loc["A", "mon"] == 0 and r.by_unit.loc["A", "rule"] == 0


def test_units_without_desks_count_one_desk_per_person():
    units = pd.DataFrame({"unit": ["A", "B"], "headcount": [10, 4], "desks": [8, None]})
    d = sc.prepare(units=units)
    assert d.desks == 12 and ("desks_assumed", {"units": ["B"]}) in d.notes
    with pytest.raises(ValueError, match="units file"):
        sc.prepare(units=None)


# --- wishes -------------------------------------------------------------------------------


def test_wishes_use_the_latest_wave_per_unit_and_hide_small_units(data):
    r = sc.evaluate(_mixed(), data)
    w = r.wishes
    by_unit = {u.unit: u for u in w.units}
    # A offers 2 days: wishes 0,1,2,2 are met, 0 and 1 get more; 3 and 4 get fewer.
    assert (by_unit["A"].answers, by_unit["A"].met, by_unit["A"].more) == (6, 4, 2)
    # B has 3 answers (< k = 5): hidden, and in no total.
    assert by_unit["B"].hidden and by_unit["B"].met is None and w.hidden_units == ["B"]
    # C offers nothing: only the two who want 0 days get their wish (blank wish left out).
    assert (by_unit["C"].answers, by_unit["C"].met, by_unit["C"].more) == (5, 2, 0)
    assert (w.answers, w.met, w.more, w.fewer, w.exact) == (11, 6, 2, 5, 4)
    assert w.share("met") == pytest.approx(6 / 11)


def test_k_comes_from_the_workbook_privacy_setting(data):
    wb = Workbook()
    wb.trial.privacy.min_answers = 6
    r = sc.evaluate(_mixed(), data, wb)
    assert r.wishes.k == 6 and r.wishes.hidden_units == ["B", "C"]
    assert sc.evaluate(_mixed(), data, k=3).wishes.hidden_units == []


def test_hidden_units_are_never_shown_in_tables(data):
    c = sc.compare([_mixed()], data)
    table = c.unit_wishes(0)
    assert table.loc["B"].tolist() == ["1,0", "skjult", "skjult", "skjult"]
    assert c.wishes().iloc[0][t("scenarios.col_answers")] == "11"
    assert c.wishes().iloc[0][t("scenarios.col_hidden")] == "1"


# --- flags ----------------------------------------------------------------------------------


def test_flags_per_scenario(data):
    fixed2 = sc.scenario("To faste", sc.rule("A", home="tue thu"))
    fixed3 = sc.scenario("Tre faste", sc.rule("A", home="mon wed fri"))
    ad_hoc = sc.scenario("Ad hoc", sc.rule(all_units=True, average=1))
    c = sc.compare([fixed2, fixed3, ad_hoc], data)
    assert c[0].required == ["su_informed", "local_agreement", "individual_agreements",
                             "apv_updated"]
    assert "screen_equipment" in c[1].required
    assert c[2].required == ["apv_updated"]
    # An ad hoc rule with fixed days is fixed recurring: a warning.
    odd = sc.evaluate(sc.scenario("Skjult fast", sc.rule("A", kind="ad_hoc", home="mon")), data)
    assert odd.warnings == ["reclassify"] and "local_agreement" in odd.required
    flags = c.flags()
    assert flags.loc["Tre faste", "Skærmudstyr"] == "krævet"
    assert flags.loc["Ad hoc", "Lokalaftale"] == "–"
    assert c.summary().loc["Ad hoc", "Krav efter reglerne"] == "APV"
    assert c.summary("en").loc["To faste", "Required by the rules"] == (
        "SU; Local agreement; Individual agreements; APV")


# --- the comparison as tables -------------------------------------------------------------


def test_summary_tables_in_danish_and_english(data):
    c = sc.compare([_mixed(), sc.scenario("Alle inde")], data)
    row = c.summary().loc["Blandet"]
    assert row["Spidsdag"] == "mandag" and row["Inde på spidsdagen"] == "27"
    assert row["Pladser på spidsdagen"] == "3 mangler"
    assert row["Får mindst ønsket"] == "6 af 11 (55\u00a0%)"
    assert row["Dage hvor alle er inde"] == "mandag"
    assert row["Hjemmedage pr. person pr. uge"] == "1,2"
    assert c.occupancy().loc["Blandet"].tolist() == ["27", "14", "24", "14", "24", "24",
                                                     "mandag"]
    en = c.summary("en").loc["Blandet"]
    assert en["Peak day"] == "Monday" and en["Desks on the peak day"] == "3 missing"
    assert en["Get at least their wish"] == "6 of 11 (55%)"
    units = c.unit_occupancy(0)
    assert units.loc["A", "tir"] == "0" and units.loc["A", "Mangler pladser"] == "2"
    assert units.loc["B", "tir"] == "9" and units.loc["A", "Alle inde"] == "man, ons, fre"


def test_fractional_people_use_a_decimal_comma():
    assert sc.people(639.2) == "639,2" and sc.people(639.2, "en") == "639.2"
    assert sc.people(9.0) == "9" and sc.spare_text(47.8) == "47,8 i overskud"


def test_compare_takes_ids_of_the_workbook_and_at_most_four(data):
    wb = Workbook()
    s = sc.add_scenario(wb, _mixed())
    assert sc.compare([s.id], data, wb)[0].name == "Blandet"
    with pytest.raises(ValueError, match="at most 4"):
        sc.compare([_mixed()] * 5, data)
    with pytest.raises(ValueError, match="no longer exists"):
        sc.compare(["nope"], data, wb)


def test_context_figures_have_sources_in_both_languages():
    figures = sc.context_figures()
    assert len(figures) == len(sc.CONTEXT_FIGURES) >= 6
    assert all(text and source for text, source in figures + sc.context_figures("en"))
    joined = " ".join(f"{a} {b}" for a, b in figures)
    for needle in ("41 %", "43 %", "Trip.com", "Nature 630 (2024)", "AKU", "RiR 2024:20",
                   "HK Stat", "BFA"):
        assert needle in joined, needle


# --- editing and choosing ---------------------------------------------------------------------


def test_scenarios_are_stored_in_the_workbook_and_old_documents_load(session: Session, store):
    session.edit(lambda wb: sc.add_scenario(wb, _mixed()))
    saved = store.open(session.workbook.id)
    assert saved.arrangement.scenarios[0].rules[0].home_days == ["tue", "thu"]
    doc = json.loads(saved.to_json())
    del doc["arrangement"]["scenarios"], doc["arrangement"]["chosen"]
    old = load_workbook(doc)
    assert old.arrangement.scenarios == [] and old.arrangement.chosen is None


def test_invalid_scenarios_are_refused(session: Session):
    assert not session.edit(lambda wb: sc.add_scenario(wb, Scenario(name=" ")))
    session.edit(lambda wb: sc.add_scenario(wb, _mixed()))
    assert not session.edit(lambda wb: sc.add_scenario(wb, sc.scenario("blandet")))
    sid = session.workbook.arrangement.scenarios[0].id
    assert not session.edit(lambda wb: sc.set_rule_day(wb, sid, 0, "office", "tue", True))
    with pytest.raises(ValueError):
        ScenarioRule(home_days=["mon"], office_days=["mon"])
    with pytest.raises(ValueError):
        Scenario(name="x", rules=[ScenarioRule(case_id="c"), ScenarioRule(case_id="c")])
    with pytest.raises(ValueError, match="weekday"):
        sc.rule("A", home="tuesday")


@pytest.fixture
def cases(session: Session) -> Session:
    """Cases: A (a unit, suitable, with a step-4 arrangement), B (partly), a role case,
    and C (not suitable)."""
    arr = CaseArrangement(
        case_id="c-a", kind="ad_hoc", home_days_per_week=1.0,
        meeting_rules=[MeetingRule(meeting_type="Afdelingsmøde", mode="physical")],
        requirements={"apv_updated": RequirementStatus(done=True, note="OK")},
        reflections={"ad_hoc_need": "Ja"},
    )

    def change(wb: Workbook) -> None:
        wb.suitability.cases.extend([
            Case(id="c-a", name="A", verdict="suitable"),
            Case(id="c-b", name="B", verdict="partly"),
            Case(id="c-role", name="Sagsbehandlere", kind="role", verdict="suitable"),
            Case(id="c-c", name="C", verdict="not_suitable"),
        ])
        wb.arrangement.arrangements.append(arr)

    session.edit(change)
    return session


def test_choosing_copies_the_patterns_into_step_four_and_keeps_the_rest(cases: Session, store):
    s = sc.scenario("Valgt", sc.rule("A", home="tue thu", office="mon"),
                    sc.rule(case="c-role", home="wed"), sc.rule(["C"], average=2))
    cases.edit(lambda wb: sc.add_scenario(wb, s))
    sid = cases.workbook.arrangement.scenarios[0].id
    result = sc.adopt(cases, sid, ["A", "B", "C"])
    assert result.ok
    wb = store.open(cases.workbook.id)
    arrs = {a.case_id: a for a in wb.arrangement.arrangements}
    a = arrs["c-a"]
    assert (a.kind, a.home_days, a.office_days, a.home_days_per_week) == (
        "fixed_recurring", ["tue", "thu"], ["mon"], None)
    assert a.meeting_rules[0].meeting_type == "Afdelingsmøde"
    assert a.requirements["apv_updated"].note == "OK" and a.reflections == {"ad_hoc_need": "Ja"}
    assert arrs["c-role"].home_days == ["wed"] and arrs["c-role"].kind == "fixed_recurring"
    assert "c-b" not in arrs and "c-c" not in arrs  # not covered / not suitable
    assert wb.arrangement.chosen == sid
    message = result.message()
    assert "»Valgt«" in message and "2 tilfælde" in message and "B" in message
    assert "Regel 3" in message and "bevaret" in message
    assert "Meeting rules, requirements and reflections are kept" in result.message("en")


def test_the_rule_for_all_other_units_reaches_every_suitable_case(cases: Session):
    s = sc.scenario("Alle", sc.rule(all_units=True, home="mon fri"))
    cases.edit(lambda wb: sc.add_scenario(wb, s))
    result = sc.adopt(cases, cases.workbook.arrangement.scenarios[0].id, ["A", "B", "C"])
    assert sorted(c for c, _ in result.written) == ["c-a", "c-b", "c-role"]
    homes = {a.case_id: a.home_days for a in cases.workbook.arrangement.arrangements}
    assert homes == {"c-a": ["mon", "fri"], "c-b": ["mon", "fri"], "c-role": ["mon", "fri"]}


def test_choosing_a_scenario_that_covers_no_case_changes_nothing(cases: Session, store):
    cases.edit(lambda wb: sc.add_scenario(wb, sc.scenario("Ingen", sc.rule("C", home="mon"))))
    before = store.open(cases.workbook.id)
    result = sc.adopt(cases, cases.workbook.arrangement.scenarios[0].id, ["A", "B", "C"])
    assert not result.ok and "dækker ingen af de egnede tilfælde" in result.message()
    after = store.open(cases.workbook.id)
    assert after.revision == before.revision and after.arrangement.chosen is None
    assert "no longer exists" in sc.adopt(cases, "nope").message("en")


def test_deleting_the_chosen_scenario_clears_the_choice(cases: Session):
    cases.edit(lambda wb: sc.add_scenario(wb, sc.scenario("Alle", sc.rule(all_units=True))))
    sid = cases.workbook.arrangement.scenarios[0].id
    assert sc.adopt(cases, sid).ok and cases.workbook.arrangement.chosen == sid
    assert cases.edit(lambda wb: sc.remove_scenario(wb, sid))
    assert cases.workbook.arrangement.chosen is None
    assert len(cases.workbook.arrangement.arrangements) == 3  # step 4 untouched


def test_english_after_set_lang(cases: Session, data):
    cases.set_lang("en")
    cases.edit(lambda wb: sc.add_scenario(wb, sc.scenario("Mix", sc.rule("A", home="tue"))))
    result = sc.adopt(cases, cases.workbook.arrangement.scenarios[0].id, ["A", "B", "C"])
    assert result.message(cases.lang).startswith('The scenario "Mix" was copied into step 4')
    c = sc.compare(cases.workbook.arrangement.scenarios, data, cases.workbook)
    assert list(c.flags(cases.lang).columns) == [
        "SU", "Local agreement", "Individual agreements", "APV", "Screen equipment", "Warnings"]
    assert sc.suggestions(cases.workbook, "en")[-1].name == (
        "Home Wednesday and Friday, together Tuesday")


def test_suggestions_start_from_step_four(cases: Session):
    names = [s.name for s in sc.suggestions(cases.workbook)]
    assert names == ["Som nu (trin 4)", "Kun ad hoc, 1 dag om ugen",
                     "Hjemme onsdag og fredag, fælles tirsdag"]
    now = sc.suggestions(cases.workbook)[0]
    assert now.rules[0].case_id == "c-a" and now.rules[0].home_days_per_week == 1.0


# --- the examples and own files ------------------------------------------------------------


@pytest.mark.parametrize("size", ["small", "medium"])
def test_committed_examples(size):
    data = sc.prepare(io.read_data_dir(examples_dir() / size))
    c = sc.compare([sc.scenario("Ad hoc", sc.rule(all_units=True, average=1)),
                    sc.scenario("Fast", sc.rule(all_units=True, home="wed fri"))], data)
    assert c[1].by_day["wed"] == 0 and c[1].peak == data.headcount
    assert c[0].wishes.answers > 0 and c[1].wishes.met >= c[0].wishes.met
    if size == "small":  # Økonomi, HR og Løn and Jura are small units
        assert c[0].wishes.hidden_units


def test_large_example_from_the_generator():
    frames = generate("large", 1)
    c = sc.compare([sc.scenario("Fast", sc.rule(all_units=True, home="mon fri"))], frames)
    assert len(c[0].by_unit) == len(frames["units"])
    assert c[0].desks == frames["units"]["desks"].sum()
    assert c[0].peak == frames["units"]["headcount"].sum()


def test_own_files_with_danish_columns(tmp_path):
    (tmp_path / "enheder.csv").write_text(
        "enhed;gruppe;antal_ansatte;arbejdspladser\nJura;forsøg;6;5\nHR;sammenligning;4;\n",
        encoding="utf-8")
    (tmp_path / "spørgeskema.csv").write_text(
        "dato;enhed;rolle;trivsel;ønskede_hjemmedage\n"
        + "".join(f"15-09-2026;Jura;medarbejder;4;{w}\n" for w in (1, 2, 2, 3, 0))
        + "15-09-2026;HR;leder;3;1\n", encoding="utf-8")
    data = sc.prepare(io.read_data_dir(tmp_path))
    r = sc.evaluate(sc.scenario("To", sc.rule("Jura", home="tue thu")), data)
    assert r.desks == 9 and r.by_unit.loc["Jura", "tue"] == 0
    assert {u.unit: u.met for u in r.wishes.units} == {"Jura": 4, "HR": None}


def test_survey_units_missing_from_the_units_file_are_left_out():
    survey = _survey()
    survey.loc[len(survey)] = [pd.Timestamp("2026-09-15"), "Z", 5.0, "employee"]
    d = sc.prepare(units=UNITS, survey=survey)
    assert "Z" not in set(d.wishes["unit"])
    assert ("survey_units_unknown", {"units": ["Z"]}) in d.notes
    assert "ikke regnet med: Z" in sc.compare([_mixed()], d).notes()[0]


# --- charts -------------------------------------------------------------------------------------


def test_charts_have_danish_labels_a_desks_line_and_distinct_hatches(data):
    c = sc.compare([_mixed(), sc.scenario("Ad hoc", sc.rule(all_units=True, average=1.5))],
                   data)
    fig = scenario_charts.occupancy_figure(c)
    ax = fig.axes[0]
    assert [x.get_text() for x in ax.get_xticklabels()] == [
        "mandag", "tirsdag", "onsdag", "torsdag", "fredag"]
    assert ax.get_ylabel() == "Personer på arbejdspladsen"
    labels = [x.get_text() for x in ax.get_legend().get_texts()]
    assert "Arbejdspladser i alt (24)" in labels and "Blandet" in labels
    hatches = {p.get_hatch() for p in ax.patches}
    assert len(hatches) == 2
    bar_texts = [x.get_text() for x in ax.texts]
    assert "18,9" in bar_texts  # 27 * (1 - 1.5/5), with a decimal comma
    wishes = scenario_charts.wishes_figure(c).axes[0]
    assert wishes.get_xlabel() == "Andel af besvarelser (enheder med mindst 5 svar)"
    assert len({p.get_hatch() for p in wishes.patches}) == 3
    pct = "\u00a0%"
    assert (f"Blandet: 11 besvarelser, færre end ønsket 45{pct}, som ønsket 36{pct}, "
            f"flere 18{pct}") in scenario_charts.wishes_alt(c)
    alt = scenario_charts.occupancy_alt(c)
    assert "Blandet: mandag 27, tirsdag 14" in alt and "24 arbejdspladser" in alt
    png = scenario_charts.figure_png(fig, dpi=40)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    en = scenario_charts.occupancy_figure(c, "en").axes[0]
    assert en.get_xticklabels()[0].get_text() == "Monday"
