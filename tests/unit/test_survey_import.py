"""Step 5's mapping step for survey-tool exports, without a browser: set ``.value``,
``.click()``, read the model, the store and the data folder."""

from __future__ import annotations

import io
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from hjemmekit import example_exports as xx
from hjemmekit import survey_import
from hjemmekit.evaluation import Design, evaluate
from hjemmekit.examples import QUESTIONS, generate
from hjemmekit.io import read_data_dir
from hjemmekit.session import Session
from hjemmekit.widgets.trial import TrialView

ROOT = Path(__file__).resolve().parents[2]
EXPORTS = ROOT / "data" / "examples" / "exports"
SMALL = ROOT / "data" / "examples" / "small"
SXCSV = EXPORTS / "surveyxact_csv_cp1252"
BACKGROUND = ("seniority_years", "commute_minutes", "age_group")
PERSONAL = re.compile(r"arbejdsplads\.example|4812\d{3}|Har du andre kommentarer")


def _files(variant: str) -> list[tuple[str, bytes]]:
    path = EXPORTS / xx.PATHS[variant]
    if path.is_dir():
        return [(p.name, p.read_bytes()) for p in sorted(path.iterdir())]
    return [(path.name, path.read_bytes())]


def _view(session: Session) -> TrialView:
    return TrialView(session, auto_evaluate="off")


def _upload(view: TrialView, files: list[tuple[str, bytes]]) -> None:
    """What the browser does: set the FileUpload's value."""
    view.data_panel.upload.value = tuple({
        "name": name, "type": "", "size": len(data), "content": memoryview(data),
        "last_modified": datetime(2026, 11, 27, tzinfo=UTC),
    } for name, data in files)  # fmt: skip


def _name_like_the_original(panel, variant: str) -> None:
    """Name the questions as the example survey does and turn round the reversed item,
    through the inputs."""
    column_of = xx.COLUMNS[variant]
    key = {panel.export.find(column_of[q]).key: q for q in QUESTIONS}
    for k, name in key.items():
        panel.question_names[k].value = name
        panel.reversed_checks[k].value = name in xx.REVERSED


def _data_folder(session: Session) -> Path:
    return session.store.data_dir(session.workbook.id)


# --- Which uploads are exports ------------------------------------------------------------


def test_split_uploads_tells_exports_from_own_files():
    own_survey = (SMALL / "survey.csv").read_bytes()
    files = [("units.csv", (SMALL / "units.csv").read_bytes()), ("survey.csv", own_survey),
             *_files("surveyxact_csv_cp1252"), *_files("forms_da"), *_files("spss"),
             *_files("google_da")]  # fmt: skip
    exports, own = survey_import.split_uploads(files)
    assert [n for n, _ in own] == ["units.csv", "survey.csv"]
    assert [[n for n, _ in e] for e in exports] == [
        ["dataset.csv", "structure.csv", "labels.csv"], ["forms_da.xlsx"], ["surveyxact.sav"],
        ["google_forms_da.csv"],
    ]


# --- The mapping step ---------------------------------------------------------------------


def test_an_export_opens_the_mapping_step_with_a_suggestion(session: Session):
    view = _view(session)
    _upload(view, _files("forms_da"))
    m = view.data_panel.mapping
    assert m.is_open and view.data_panel.upload.value == ()
    assert not list(_data_folder(session).glob("survey*")), "nothing stored before Importér"
    facts = m.facts.value
    assert "417 besvarelser i filen: 417 gennemførte læses, 0 ikke gennemførte" in facts
    assert "Navne, e-mails, respondent-id&#x27;er og fritekstsvar fjernes" in facts
    assert "Mail" in facts and "Navn" in facts
    assert m.unit.value == xx.COLUMNS["forms_da"]["unit"]
    assert m.role.value == xx.COLUMNS["forms_da"]["role"]
    assert m.manager.value == "Leder"
    assert m.date.value == "Tidspunkt for fuldførelse"
    assert m.home_wanted.value == xx.COLUMNS["forms_da"]["home_days_wanted"]
    # checkbox lists, not a multi-select
    assert [k for k, b in m.question_checks.items() if b.value] == [
        xx.COLUMNS["forms_da"][q] for q in QUESTIONS]  # fmt: skip
    assert len(m.reversed_checks) == len(QUESTIONS)
    assert {k for k, b in m.background_checks.items() if b.value} == {
        xx.COLUMNS["forms_da"][b] for b in BACKGROUND}  # fmt: skip
    # answer labels with their scores; "Ved ikke" is a missing answer (blank)
    assert m.scale_inputs["Meget enig"].value == "5"
    assert m.scale_inputs["Ved ikke"].value == "-"
    assert m.scale_inputs["Enig"].description == "Point for »Enig«"
    # the preview: the first rows as they will be read
    assert "De første 5 besvarelser, som de bliver læst" in m.preview.value
    assert "15.01.2026" in m.preview.value and "Styrelsen for Ankesager" in m.preview.value
    assert m.undecided.value == "" and m.problems.value == ""


def test_choices_change_the_profile_and_the_preview(session: Session):
    view = _view(session)
    _upload(view, _files("forms_da"))
    m = view.data_panel.mapping
    first = xx.COLUMNS["forms_da"]["concentration"]
    m.question_checks[first].value = False
    assert first not in m.profile.questions and first not in m.reversed_checks
    assert first not in m.question_names or m.question_names[first] not in (
        m.questions_box.children)  # fmt: skip
    m.question_checks[first].value = True
    assert m.profile.questions[0] == first
    m.question_names[first].value = "koncentration"
    assert "koncentration" in m.preview.value
    m.role.value = ""
    assert m.profile.role is None and m.profile.managers == []
    assert m.manager.layout.display == "none"
    m.role.value = xx.COLUMNS["forms_da"]["role"]
    assert m.profile.managers == ["Leder"]
    m.unit.value = ""
    assert "enhed" in m.undecided.value.casefold()
    assert m.import_now() is None
    assert "role='alert'" in m.problems.value
    assert not list(_data_folder(session).glob("survey*"))


def test_a_score_that_is_no_number_is_refused_in_place(session: Session):
    view = _view(session)
    _upload(view, _files("forms_da"))
    m = view.data_panel.mapping
    m.scale_inputs["Enig"].value = "fire"
    assert "»Enig«: fire er ikke et tal" in m.problems.value
    assert m.scale_inputs["Enig"].value == "fire"  # kept as typed, to be corrected
    assert m.import_now() is None
    m.scale_inputs["Enig"].value = "4,5"
    assert m.problems.value == "" and m.profile.scale["Enig"] == 4.5
    m.scale_inputs["Ved ikke"].value = "3"
    assert m.profile.scale["Ved ikke"] == 3.0
    m.scale_inputs["Ved ikke"].value = "-"
    assert m.profile.scale["Ved ikke"] is None


def test_import_stores_the_survey_and_the_profile_and_the_next_wave_is_one_click(
    session: Session, store,
):
    view = _view(session)
    _upload(view, _files("forms_da"))
    m = view.data_panel.mapping
    _name_like_the_original(m, "forms_da")
    done = m.import_now()
    assert done is not None and done.ok, done and done.problems
    assert not m.is_open
    assert "417 besvarelser gemt som survey.csv" in m.message.value
    folder = _data_folder(session)
    stored = (folder / "survey.csv").read_text(encoding="utf-8")
    header = pd.read_csv(io.StringIO(stored), nrows=0).columns
    assert list(header[:5]) == ["date", "unit", "role", "concentration", "flexibility"]
    assert not PERSONAL.search(stored)
    # the file list names the export; the survey is evaluated from now on
    assert "forms_da.xlsx" in view.data_panel.files.value
    assert view.data_panel.data.survey is not None
    # the profile is in the saved workbook, without any personal data
    saved = store.open(session.workbook.id)
    assert len(saved.trial.import_profiles) == 1
    profile = saved.trial.import_profiles[0]
    assert profile.tool == "forms" and profile.unit == xx.COLUMNS["forms_da"]["unit"]
    assert profile.reversed == [xx.COLUMNS["forms_da"]["workload"]]
    assert not PERSONAL.search(saved.model_dump_json())

    # The next wave, in a new session: the saved mapping imports in one click.
    again = _view(Session(store, store.open(session.workbook.id), autosave_delay=0))
    _upload(again, _files("forms_da"))
    m2 = again.data_panel.mapping
    assert m2.saved is not None and "Der er en gemt tilknytning" in m2.children[3].value
    assert m2.question_names[xx.COLUMNS["forms_da"]["workload"]].value == "workload"
    assert m2.merge.value == "add"
    m2.use_saved.click()
    assert not m2.is_open and "importeret" in m2.message.value
    # the same dates again replace themselves: still 417 answer sets, one profile
    frame = pd.read_csv(folder / "survey.csv")
    assert len(frame) == 417
    assert len(store.open(session.workbook.id).trial.import_profiles) == 1


@pytest.mark.parametrize("variant", xx.COMMITTED)
def test_every_example_export_imports_to_the_same_evaluation(variant, tmp_path, session):
    folder = tmp_path / "data"
    shutil.copytree(SMALL, folder)
    (folder / "survey.csv").unlink()
    view = _view(session)
    view.data_panel.mapping._folder = lambda: folder  # the panel stores into this folder
    _upload(view, _files(variant))
    m = view.data_panel.mapping
    assert m.is_open, view.data_panel.message.value + m.message.value
    _name_like_the_original(m, variant)
    for b in BACKGROUND:  # as the example survey names them (else bg_<column>)
        m.profile.names[m.export.find(xx.COLUMNS[variant][b]).key] = b
    if variant.startswith(("surveyxact", "spss")):
        assert m.export.not_completed == 25
    done = m.import_now()
    assert done is not None and done.ok, done and done.problems
    assert done.result.kept == 417

    original, imported = read_data_dir(SMALL), read_data_dir(folder)
    want = original.survey.reset_index(drop=True)
    got = imported.survey[list(want.columns)]
    pd.testing.assert_frame_equal(got, want, check_dtype=False, check_categorical=False)
    design = Design.from_units(original.units, "2026-01:2026-03", "2026-04:2026-09")
    a = evaluate(original, design).to_json_dict()
    b = evaluate(imported, design).to_json_dict()
    assert a == b
    for path in folder.iterdir():
        if path.is_file():
            assert not PERSONAL.search(path.read_bytes().decode("utf-8", "replace")), path


def test_a_broken_export_is_refused_with_its_lines(session: Session):
    view = _view(session)
    # SurveyXact without its labels file: the codes cannot be read as answers
    files = [f for f in _files("surveyxact_csv_cp1252") if f[0] != "labels.csv"]
    _upload(view, files)
    panel = view.data_panel
    html = panel.message.value + panel.mapping.message.value
    assert "role='alert'" in html, html
    assert not list(_data_folder(session).glob("survey*"))
    view.data_panel.mapping.message.value = ""


def test_an_export_without_a_unit_column_asks_for_it(session: Session, tmp_path):
    survey = generate("small", 1)["survey"]
    rows = xx.respondents(survey)
    frame = xx.forms_frame(rows, "da").drop(columns=[xx.COLUMNS["forms_da"]["unit"]])
    buf = io.BytesIO()
    frame.to_excel(buf, index=False)
    view = _view(session)
    _upload(view, [("Pulsmåling.xlsx", buf.getvalue())])
    m = view.data_panel.mapping
    assert m.is_open and m.unit.value == ""
    assert "enhed" in m.undecided.value.casefold()
    assert m.import_now() is None
    assert "role='alert'" in m.problems.value


def test_cancel_stores_nothing(session: Session, store):
    view = _view(session)
    _upload(view, _files("spss"))
    m = view.data_panel.mapping
    assert "442 besvarelser i filen: 417 gennemførte læses, 25 ikke gennemførte" in (
        m.facts.value)  # fmt: skip
    m.cancel_button.click()
    assert not m.is_open and "Intet er gemt" in m.message.value
    assert not list(_data_folder(session).glob("survey*"))
    assert store.open(session.workbook.id).trial.import_profiles == []


def test_in_english(session: Session):
    session.set_lang("en")
    view = _view(session)
    _upload(view, _files("forms_en"))
    m = view.data_panel.mapping
    text = " ".join(getattr(w, "value", "") for w in m.children if isinstance(
        getattr(w, "value", None), str))  # fmt: skip
    assert "Map the export from Microsoft Forms" in text
    assert "Names, e-mails, respondent ids and free-text answers are removed" in m.facts.value
    assert m.manager.value == "Manager"
    assert m.scale_inputs["Strongly agree"].value == "5"
    assert m.scale_inputs["Don't know"].value == "-"
    assert m.import_button.description == "Import"
    assert "The first 5 responses as they will be read" in m.preview.value


def test_a_column_is_one_thing(session: Session):
    view = _view(session)
    _upload(view, _files("forms_da"))
    m = view.data_panel.mapping
    age = xx.COLUMNS["forms_da"]["age_group"]
    wellbeing = xx.COLUMNS["forms_da"]["wellbeing"]
    # the unit's and role's columns are not offered as questions or background
    unit = xx.COLUMNS["forms_da"]["unit"]
    assert m.question_checks[unit].layout.display == "none"
    assert m.background_checks[unit].layout.display == "none"
    # a question is not offered as background; ticked as a question, it leaves background
    assert m.background_checks[wellbeing].layout.display == "none"
    m.question_checks[age].value = True
    assert age in m.profile.questions and age not in m.profile.background
    assert m.background_checks[age].layout.display == "none"
    # chosen as the unit, a question is no question any more
    m.unit.value = wellbeing
    assert wellbeing not in m.profile.questions and wellbeing not in m.reversed_checks
    assert m.question_checks[wellbeing].layout.display == "none"


def test_an_unknown_answer_label_is_shown_and_can_be_given_a_score(session: Session):
    survey = generate("small", 1)["survey"]
    rows = xx.respondents(survey)
    frame = xx.forms_frame(rows, "da")
    column = xx.COLUMNS["forms_da"]["wellbeing"]
    frame.loc[[3, 7], column] = "Totalt enig"
    buf = io.BytesIO()
    frame.to_excel(buf, index=False)
    view = _view(session)
    _upload(view, [("Pulsmåling.xlsx", buf.getvalue())])
    m = view.data_panel.mapping
    unknown = m.scale_inputs["Totalt enig"]
    assert unknown.description == "Point for »Totalt enig« (ukendt)" and unknown.value == ""
    assert "Disse svarmuligheder kendes ikke: »Totalt enig«" in m.undecided.value
    assert m.import_now() is None and "»Totalt enig«" in m.problems.value
    # Applied anyway, the problem names file, row and column in the app's words.
    m.profile.reversed = []
    done = survey_import.import_export(_data_folder(session), m.export, m.profile)
    assert not done.ok
    assert done.problems == [
        f"Pulsmåling.xlsx:5: kolonne '{column}': svaret »Totalt enig« (2 gange) kendes ikke: "
        "skriv dets point under »Svarmuligheder og point«, eller »-« for et manglende svar"]
    # "-" makes it a missing answer, a number a score; a blank field the built-in scale.
    unknown.value = "-"
    assert m.profile.scale["Totalt enig"] is None and m.undecided.value == ""
    unknown.value = "5"
    assert m.profile.scale["Totalt enig"] == 5.0
    assert m.scale_inputs["Totalt enig"].description == "Point for »Totalt enig«"
    m.scale_inputs["Ved ikke"].value = ""
    assert "Ved ikke" not in m.profile.scale and m.scale_inputs["Ved ikke"].value == "-"
    done = m.import_now()
    assert done is not None and done.ok


def test_merge_surveys_adds_a_wave_and_replaces_the_same_dates():
    old = pd.DataFrame({"date": pd.to_datetime(["2025-12-15", "2026-01-15", "2026-01-15"]),
                        "unit": ["A", "A", "B"], "role": ["employee"] * 3, "q": [1, 2, 3]})
    new = pd.DataFrame({"date": pd.to_datetime(["2026-01-15", "2026-02-15"]),
                        "unit": ["A", "B"], "role": ["manager"] * 2, "q": [4.0, 5.0],
                        "r": [1.0, 2.0]})  # fmt: skip
    out = survey_import.merge_surveys(old, new)
    assert list(out["date"].dt.strftime("%Y-%m-%d")) == ["2025-12-15", "2026-01-15",
                                                         "2026-02-15"]  # fmt: skip
    assert list(out["q"]) == [1, 4, 5] and list(out.columns) == ["date", "unit", "role", "q",
                                                                 "r"]  # fmt: skip


@pytest.mark.parametrize(("merge", "rows"), [("add", 417 + 20), ("replace", 417)])
def test_an_import_adds_to_or_replaces_the_survey_file(session: Session, merge, rows):
    old = pd.read_csv(SMALL / "survey.csv").head(20).assign(date="2025-12-15")
    view = _view(session)
    _upload(view, [("survey.csv", old.to_csv(index=False).encode())])
    assert (_data_folder(session) / "survey.csv").exists()
    _upload(view, _files("forms_da"))
    m = view.data_panel.mapping
    text = " ".join(getattr(w, "value", "") for w in m.children if isinstance(
        getattr(w, "value", None), str))  # fmt: skip
    assert "allerede en spørgeskemafil med 20 besvarelser (15.12.2025–15.12.2025)" in text
    assert m.merge.options[0] == ("Læg de nye svar til (svar fra de samme datoer erstattes)",
                                  "add")  # fmt: skip
    m.merge.value = merge
    done = m.import_now()
    assert done is not None and done.ok
    assert len(pd.read_csv(_data_folder(session) / "survey.csv")) == rows


def test_answers_without_a_unit_are_left_out_and_counted(session: Session):
    survey = generate("small", 1)["survey"]
    frame = xx.forms_frame(xx.respondents(survey), "da")
    frame.loc[[0, 1, 2], xx.COLUMNS["forms_da"]["unit"]] = None
    buf = io.BytesIO()
    frame.to_excel(buf, index=False)
    view = _view(session)
    _upload(view, [("Pulsmåling.xlsx", buf.getvalue())])
    m = view.data_panel.mapping
    done = m.import_now()
    assert done is not None and done.ok and done.result.kept == 414
    assert "Udeladt, fordi svaret manglede: 3 uden enhed." in m.message.value


def test_one_export_at_a_time_and_own_files_beside_it(session: Session):
    view = _view(session)
    units = ("units.csv", (SMALL / "units.csv").read_bytes())
    _upload(view, [units, *_files("forms_da"), *_files("google_da")])
    panel = view.data_panel
    assert "units.csv" in panel.message.value and "kontrolleret og gemt" in panel.message.value
    assert "Indlæs én eksport ad gangen: google_forms_da.csv er ikke læst." in (
        panel.message.value)  # fmt: skip
    assert panel.mapping.is_open and panel.mapping.export.sources == ["forms_da.xlsx"]
