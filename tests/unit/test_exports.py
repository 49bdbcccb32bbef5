"""Importing survey-tool exports: each tool's shape of the example organisation imports
to a survey whose evaluation equals the original's; personal data is stored nowhere;
broken exports are refused with their lines."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path

import export_fixtures as fx
import pandas as pd
import pytest

from hjemmekit import examples
from hjemmekit.cli import main
from hjemmekit.exports import (
    ExportError,
    apply_profile,
    preview,
    read_export,
    scale_table,
    suggest_profile,
    undecided,
)
from hjemmekit.model import Workbook

PERIODS = ["--baseline", "2026-01:2026-03", "--trial", "2026-04:2026-09", "--json"]


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame, dict]:
    folder = tmp_path_factory.mktemp("original")
    frames = examples.generate("small", 1)
    examples.write(frames, folder)
    return folder, frames["survey"], _evaluate(folder)


def _evaluate(folder: Path) -> dict:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["evaluate", str(folder), *PERIODS]) == 0
    return json.loads(buf.getvalue())


def _run(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    return code, out.getvalue(), err.getvalue()


def _same_evaluation(original: tuple[Path, pd.DataFrame, dict], survey_csv: Path,
                     tmp: Path) -> None:
    folder = tmp / "imported"
    shutil.copytree(original[0], folder)
    shutil.copy(survey_csv, folder / "survey.csv")
    assert _evaluate(folder) == original[2]


def _no_personal_data(*paths: Path) -> None:
    for path in paths:
        text = path.read_bytes().decode("utf-8", errors="replace")
        for planted in (fx.PLANTED_NAME, fx.PLANTED_DOMAIN, fx.PLANTED_IP, fx.PLANTED_COMMENT,
                        "Jens Hemmelig"):
            assert planted not in text, (path, planted)


@pytest.mark.parametrize("split", [None, 9])
def test_surveyxact_xlsx_round_trip(original, tmp_path: Path, split: int | None) -> None:
    src = fx.write_surveyxact_xlsx(original[1], tmp_path / "export.xlsx", split=split)
    out = tmp_path / "survey.csv"
    code, stdout, err = _run(["import", str(src), "-o", str(out),
                              "--save-profile", str(tmp_path / "profile.json")])
    assert code == 0, err
    assert "left out as not completed: " in stdout
    assert "respondentid, email, name, kommentar, ip" in stdout
    _no_personal_data(out, tmp_path / "profile.json")
    _same_evaluation(original, out, tmp_path)


@pytest.mark.parametrize("dialect", ["tab", "semicolon", "comma"])
def test_surveyxact_csv_round_trip(original, tmp_path: Path, dialect: str) -> None:
    paths = fx.write_surveyxact_csv(original[1], tmp_path / "sx", dialect)
    out = tmp_path / "survey.csv"
    code, stdout, err = _run(["import", *map(str, reversed(paths)), "-o", str(out)])
    assert code == 0, err
    _no_personal_data(out)
    _same_evaluation(original, out, tmp_path)


def test_surveyxact_export_object(original) -> None:
    dataset, structure, labels = fx.surveyxact_tables(original[1])
    buf = io.StringIO()
    dataset.to_csv(buf, sep=";", index=False)
    lab = "\n".join(";".join(map(str, r)) for r in labels)
    st = "\n".join(";".join(r) for r in structure)
    export = read_export([("dataset.csv", buf.getvalue().encode("cp1252")),
                          ("labels.csv", lab.encode("cp1252")),
                          ("structure.csv", st.encode("cp1252"))])
    assert export.tool == "surveyxact"
    assert export.rows == len(dataset)
    assert export.not_completed == int((dataset["statoverall_4"] != 1).sum())
    assert set(export.dropped) == {"respondentid", "email", "name", "kommentar", "ip"}
    for name in export.dropped:
        assert name not in export.data.columns
    kinds = {c.key: c.kind for c in export.columns}
    assert kinds["statoverall_4"] == "status" and kinds["closetime"] == "datetime"
    assert kinds["concentration"] == "closed" and kinds["seniority_years"] == "numeric"
    assert export.find("Jeg trives på min arbejdsplads").key == "wellbeing"
    assert export.find("ENHED").key == "enhed"
    profile = suggest_profile(export)
    assert undecided(export, profile) == []
    assert profile.unit == "enhed" and profile.role == "rolle" and profile.managers == ["Leder"]
    table = {r.label: r.score for r in scale_table(export, profile)}
    assert table["Helt enig"] == 5 and table["Ved ikke"] is None
    first = preview(export, profile, rows=3)
    assert len(first) == 3 and list(first.columns[:3]) == ["date", "unit", "role"]
    # A profile survives the workbook (saved as trial.import_profiles).
    wb = Workbook()
    wb.trial.import_profiles.append(profile)
    again = Workbook.model_validate_json(wb.to_json()).trial.import_profiles[0]
    assert again == profile


def test_shortened_status_names(original) -> None:
    dataset, structure, labels = fx.surveyxact_tables(original[1])
    dataset = dataset.rename(columns={f"statoverall_{k}": f"stato_{k}" for k in range(1, 6)})
    lab = "\n".join(",".join(map(str, r)) for r in labels)
    export = read_export([("dataset.csv", dataset.to_csv(index=False).encode()),
                          ("labels.csv", lab.encode())])
    assert export.not_completed == int((dataset["stato_4"] != 1).sum()) > 0


@pytest.mark.parametrize("lang", ["en", "da"])
def test_forms_round_trip(original, tmp_path: Path, lang: str) -> None:
    src = fx.write_forms(original[1], tmp_path / "forms.xlsx", lang)
    export = read_export(src)
    assert export.tool == "forms"
    assert export.not_completed > 0
    profile = suggest_profile(export)
    assert undecided(export, profile) == []
    profile.names = fx.forms_names(lang)
    if lang == "en":
        profile.names.update({
            "How many days a week do you want to work from home?": "home_days_wanted"})
    result = apply_profile(export, profile)
    assert result.ok, result.lines()
    assert result.not_completed == export.not_completed
    assert set(result.frame["role"].astype(str)) == {"employee", "manager"}
    prof = tmp_path / "profile.json"
    prof.write_text(profile.model_dump_json())
    out = tmp_path / "survey.csv"
    code, stdout, err = _run(["import", str(src), "-o", str(out), "--profile", str(prof)])
    assert code == 0, err
    _no_personal_data(out, prof)
    _same_evaluation(original, out, tmp_path)


def test_google_round_trip(original, tmp_path: Path) -> None:
    src = fx.write_google(original[1], tmp_path / "svar.csv")
    export = read_export(src)
    assert export.tool == "google"
    assert export.not_completed == 0
    profile = suggest_profile(export)
    assert undecided(export, profile) == []
    profile.names = {f"Hvor enig er du i følgende? [{examples.QUESTION_TEXTS[q]['da']}]": q
                     for q in examples.QUESTIONS}
    prof = tmp_path / "profile.json"
    prof.write_text(profile.model_dump_json())
    out = tmp_path / "survey.csv"
    code, stdout, err = _run(["import", str(src), "-o", str(out), "--profile", str(prof)])
    assert code == 0, err
    assert "E-mailadresse" in stdout and "Andre kommentarer" in stdout
    _no_personal_data(out, prof)
    _same_evaluation(original, out, tmp_path)


def test_spss_round_trip(original, tmp_path: Path) -> None:
    src = fx.write_sav(original[1], tmp_path / "export.sav")
    export = read_export(src)
    assert export.tool == "spss"
    assert export.not_completed > 0
    assert {"email", "name", "respondentid", "ip", "kommentar"} <= set(export.dropped)
    out = tmp_path / "survey.csv"
    code, stdout, err = _run(["import", str(src), "-o", str(out), "--unit", "Enhed"])
    assert code == 0, err
    _no_personal_data(out)
    _same_evaluation(original, out, tmp_path)


# --- broken exports and what cannot be decided ---------------------------------------


def test_no_labels_exits_1(original, tmp_path: Path) -> None:
    src = fx.write_surveyxact_xlsx(original[1], tmp_path / "export.xlsx", labels=False)
    code, _, err = _run(["import", str(src), "-o", str(tmp_path / "s.csv")])
    assert code == 1
    assert err.startswith(f"{src}: the SurveyXact export has no Labels")
    assert "Traceback" not in err and not (tmp_path / "s.csv").exists()


def test_label_not_on_scale_exits_1_with_row_and_column(original, tmp_path: Path) -> None:
    frame = fx.forms_frame(original[1], "da")
    head = examples.QUESTION_TEXTS["wellbeing"]["da"]
    frame.loc[3, head] = "Super godt"
    src = tmp_path / "forms.xlsx"
    frame.to_excel(src, index=False)
    code, _, err = _run(["import", str(src), "-o", str(tmp_path / "s.csv")])
    assert code == 1
    assert err.strip() == (f"{src}:5: column '{head}': the answer 'Super godt' (1 times) is "
                           "not on the answer scale; give it a score (a scale file, --scale "
                           "FILE) or add it to the missing answers")
    scale = tmp_path / "scale.csv"
    scale.write_text("label,score\nSuper godt,5\n")
    code, _, err = _run(["import", str(src), "-o", str(tmp_path / "s.csv"), "--scale",
                         str(scale)])
    assert code == 0, err


def test_no_unit_column_exits_1(original, tmp_path: Path) -> None:
    frame = fx.forms_frame(original[1], "en").drop(columns=["Unit"])
    src = tmp_path / "forms.xlsx"
    frame.to_excel(src, index=False)
    code, _, err = _run(["import", str(src), "-o", str(tmp_path / "s.csv")])
    assert code == 1
    assert "cannot tell which column gives the unit; use --unit COLUMN" in err


def test_undecided_unit_lists_candidates(original, tmp_path: Path) -> None:
    frame = fx.forms_frame(original[1], "en").rename(columns={"Unit": "Where are you placed?"})
    src = tmp_path / "forms.xlsx"
    frame.to_excel(src, index=False)
    code, _, err = _run(["import", str(src), "-o", str(tmp_path / "s.csv")])
    assert code == 1
    assert "use --unit COLUMN with one of: 'Where are you placed?'" in err
    code, _, err = _run(["import", str(src), "-o", str(tmp_path / "s.csv"), "--unit",
                         "where are you placed?"])
    assert code == 0, err


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as e:
        _run(["import", "x.xlsx"])  # no -o: argparse's usage error
    assert e.value.code == 2
    code, _, err = _run(["import", "x.xlsx", "-o", "s.csv", "--manager", "Leder"])
    assert code == 2 and "--manager needs --role" in err
    code, _, err = _run(["import", str(tmp_path / "missing.xlsx"), "-o", str(tmp_path / "s")])
    assert code == 1 and "no such file" in err


def test_unknown_file_exits_1(tmp_path: Path) -> None:
    src = tmp_path / "notes.csv"
    src.write_text("a,b\n1,2\n")
    code, _, err = _run(["import", str(src), "-o", str(tmp_path / "s.csv")])
    assert code == 1 and "is not an export of SurveyXact" in err


def test_problem_lines_in_danish(original, tmp_path: Path) -> None:
    src = fx.write_surveyxact_xlsx(original[1], tmp_path / "export.xlsx", labels=False)
    with pytest.raises(ExportError) as e:
        read_export(src)
    assert "har ingen Labels" in e.value.lines("da")[0]


def test_reversed_items_and_missing_labels(original) -> None:
    frame = fx.forms_frame(original[1].head(40), "da")
    buf = io.BytesIO()
    frame.to_excel(buf, index=False)
    export = read_export(("forms.xlsx", buf.getvalue()))
    profile = suggest_profile(export)
    q = examples.QUESTION_TEXTS["wellbeing"]["da"]
    straight = apply_profile(export, profile).frame[q]
    profile.reversed = [q]
    turned = apply_profile(export, profile).frame[q]
    assert ((straight + turned).dropna() == 6).all()
    profile.missing = []
    result = apply_profile(export, profile)
    if (frame[q] == "Ved ikke").any():
        assert not result.ok


def test_big_dataset_reads_rare_columns_when_asked(original, tmp_path: Path, monkeypatch) -> None:
    """A big SurveyXact dataset leaves times and system columns unread until needed."""
    from hjemmekit.exports import surveyxact

    monkeypatch.setattr(surveyxact, "LAZY_BYTES", 0)
    paths = fx.write_surveyxact_csv(original[1], tmp_path / "sx", "semicolon")
    export = read_export(paths)
    assert "created" in export.lazy and "statoverall_1" in export.lazy
    assert "created" not in export.data.columns and "closetime" in export.data.columns
    assert "created" in [c.key for c in export.kept("datetime")]
    whole = apply_profile(export, suggest_profile(export)).frame
    profile = suggest_profile(export)
    profile.date = "created"  # the day before: read when asked for
    moved = apply_profile(export, profile).frame
    assert "created" not in export.lazy
    assert (moved["date"] == whole["date"] - pd.Timedelta(days=1)).all()


@pytest.mark.parametrize("keys", [[1, 2, 3, 4, 5, 9], [0, 1, 2, 10], [-1, 1, 2], [1.5, 2], [7],
                                  []])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_code_lookup_matches_a_binary_search(keys: list[float], dtype: str) -> None:
    """Codes found through the lookup array: the same positions as a search of the keys
    (fractions, negatives, NaN and codes without a label give -1)."""
    import numpy as np

    from hjemmekit.exports.apply import _lookup

    rng = np.random.default_rng(7)
    arr = rng.choice([np.nan, 0, 1, 2, 3, 4, 5, 6, 9, 10, 11, 1.5, 2.0001, -1, -3, 1e9],
                     size=5000).astype(dtype)
    k = np.array(keys, dtype=np.float64)
    expected = np.full(len(arr), -1)
    for i, key in enumerate(k):
        expected[arr.astype(np.float64) == key] = i
    assert (_lookup(arr, k) == expected).all()
