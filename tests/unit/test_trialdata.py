"""Where a workbook's trial data live and how they are loaded (no widgets)."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest

from hjemmekit import trialdata
from hjemmekit.io import DataError
from hjemmekit.session import examples_dir
from hjemmekit.store import WorkbookStore

UNITS = b"unit,group\nKontor A,trial\nKontor B,comparison\nKontor C,\n"
SICK = "enhed;måned;årsværk;sygedage\nKontor A;2026-01;12,5;9\nKontor B;2026-03;11;4\n".encode(
    "cp1252")
BAD_SURVEY = (
    b"date,unit,role,concentration\n"
    b"2026-01-15,Kontor A,employee,4\n"
    b"31-02-2026,Kontor A,employee,4\n"
    b"2026-01-15,Kontor A,boss,12\n"
)


def test_data_dir_is_per_workbook_made_on_demand_and_id_checked(store: WorkbookStore):
    wb = store.create(title="A")
    folder = store.data_dir(wb.id, create=False)
    assert folder == store.directory / ".data" / wb.id and not folder.exists()
    assert store.data_dir(wb.id).is_dir()
    with pytest.raises(ValueError, match="not a workbook id"):
        store.data_dir("../other")
    assert [i.id for i in store.list()] == [wb.id]  # the data folder is no workbook


def test_good_file_is_kept_under_its_kind_with_its_name_and_summary(tmp_path):
    up = trialdata.add_file(tmp_path, "C:\\Users\\x\\Sygefravær 2026.csv", SICK)
    assert up.ok and up.kind == "sickleave" and not up.replaced
    assert (tmp_path / "sickleave.csv").read_bytes() == SICK
    assert up.summary == trialdata.FileSummary(
        "sickleave", "Sygefravær 2026.csv", 2, 2, date(2026, 1, 1), date(2026, 3, 1))
    data = trialdata.read_folder(tmp_path)
    assert data.source == "own" and data.files[0].name == "Sygefravær 2026.csv"
    assert data.data.sickleave["fte"].tolist() == [12.5, 11.0]


def test_bad_file_is_refused_with_one_line_per_problem_and_not_kept(tmp_path):
    up = trialdata.add_file(tmp_path, "survey.csv", BAD_SURVEY)  # Danish by default
    assert up.problems[0].startswith("survey.csv:3: kolonne 'date': '31-02-2026' er ikke en "
                                     "dato")
    up = trialdata.add_file(tmp_path, "survey.csv", BAD_SURVEY, lang="en")
    assert not up.ok and up.summary is None
    assert up.problems[0].startswith("survey.csv:3: column 'date': '31-02-2026' is not a date")
    assert any(p.startswith("survey.csv:4: column 'role'") for p in up.problems)
    assert any(p.startswith("survey.csv:4: column 'concentration'") for p in up.problems)
    assert not list(tmp_path.iterdir())


def test_unknown_kind_and_wrong_type_are_refused(tmp_path):
    assert "filnavnet siger ikke" in trialdata.add_file(tmp_path, "data.csv", UNITS).problems[0]
    assert "cannot tell the kind" in trialdata.add_file(tmp_path, "data.csv", UNITS,
                                                        lang="en").problems[0]
    wrong = trialdata.add_file(tmp_path, "units.pdf", b"%PDF", lang="en")
    assert wrong.problems == ["units.pdf: only CSV (.csv) and Excel (.xlsx) files can be uploaded"]
    assert not list(tmp_path.iterdir())


def test_a_new_file_of_a_kind_replaces_the_old_and_can_be_removed(tmp_path):
    trialdata.add_file(tmp_path, "units.csv", UNITS)
    buf = io.BytesIO()
    pd.DataFrame({"enhed": ["X", "Y"], "gruppe": ["forsøg", "sammenligning"]}).to_excel(
        buf, index=False)
    up = trialdata.add_file(tmp_path, "enheder.xlsx", buf.getvalue())
    assert up.ok and up.replaced
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [
        "units.xlsx"]
    data = trialdata.read_folder(tmp_path)
    assert trialdata.groups_from_units(data.data) == (["X"], ["Y"])
    assert data.files[0].name == "enheder.xlsx"
    assert trialdata.remove_file(tmp_path, "units") and not trialdata.has_files(tmp_path)
    assert not trialdata.remove_file(tmp_path, "units")


def test_workbook_uses_its_own_files_else_its_example_data(store: WorkbookStore):
    wb = store.create()
    assert trialdata.for_workbook(store, wb).source == "none"
    wb.trial.example_data = "medium"
    example = trialdata.for_workbook(store, wb)
    assert example.source == "example" and example.example == "medium"
    assert [f.kind for f in example.files] == ["units", "survey", "sickleave", "production",
                                               "dialogue"]
    survey = next(f for f in example.files if f.kind == "survey")
    assert (survey.first, survey.last) == (date(2026, 1, 15), date(2026, 9, 15))
    trialdata.add_file(store.data_dir(wb.id), "units.csv", UNITS)
    own = trialdata.for_workbook(store, wb)
    assert own.source == "own" and [f.kind for f in own.files] == ["units"]
    assert trialdata.unit_names(own.data) == ["Kontor A", "Kontor B", "Kontor C"]


def test_example_folder_names_only_bundled_folders():
    assert trialdata.example_folder("medium") == examples_dir() / "medium"
    for name in ("../medium", "findes-ikke", "", None):
        assert trialdata.example_folder(name) is None


def test_load_by_path_and_question_labels():
    data = trialdata.load(examples_dir() / "small")
    assert data.survey is not None and "concentration" in data.questions
    with pytest.raises(DataError):
        trialdata.load(examples_dir() / "findes-ikke")
    assert trialdata.question_label("concentration").startswith("Jeg har gode muligheder")
    assert trialdata.question_label("concentration", "en").startswith("I have good")
    assert trialdata.question_label("egen_kolonne") == "egen_kolonne"


def test_kinds_match_io():
    from hjemmekit import io as hio

    assert trialdata._KINDS == hio.KINDS
