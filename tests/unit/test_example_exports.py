"""The example exports: written, of the documented shape, and lossless.

Each export is decoded here by hand (pandas, pyreadstat and the mapping in
``hjemmekit.example_exports``), independently of the importer, and must give the
example survey back.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hjemmekit import example_exports as xx
from hjemmekit import examples as ex

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "data" / "examples" / "exports"
ORIGINAL = ["date", "unit", "role", *ex.QUESTIONS, "home_days_wanted", "home_days_actual",
            "seniority_years", "commute_minutes", "age_group"]  # fmt: skip


@pytest.fixture(scope="module")
def small() -> dict[str, pd.DataFrame]:
    return ex.generate("small", 1)


@pytest.fixture(scope="module")
def written(small, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("exports")
    xx.write_exports(small["survey"], list(small["units"]["unit"]), out)
    return out


def _original(small) -> pd.DataFrame:
    s = small["survey"][ORIGINAL].copy()
    for col in ORIGINAL[3:-1]:
        s[col] = s[col].astype("Float64")
    for col in ("unit", "role", "age_group"):
        s[col] = s[col].astype(str)
    return s.reset_index(drop=True)


def _from_codes(data: pd.DataFrame, labels: pd.DataFrame, variant: str) -> pd.DataFrame:
    """SurveyXact/SPSS dataset (codes) -> the original survey, by hand."""
    done = data[data["statoverall_4"] == 1].reset_index(drop=True)
    cols = xx.COLUMNS[variant]
    lab = {(v, int(c)): t for v, c, t in labels.itertuples(index=False)}
    out = pd.DataFrame({"date": pd.to_datetime(done["closetime"], dayfirst=True).dt.normalize()})
    out["unit"] = [lab[(cols["unit"], int(c))] for c in done[cols["unit"]]]
    out["role"] = done[cols["role"]].map({1: "employee", 2: "manager"}).astype(str)
    for q in ex.QUESTIONS:
        v = pd.to_numeric(done[cols[q]]).astype("Float64")
        v = v.mask(v == xx.DONT_KNOW_CODE)
        out[q] = 6 - v if q in xx.REVERSED else v
    for col in ("home_days_wanted", "home_days_actual", "seniority_years", "commute_minutes"):
        out[col] = pd.to_numeric(done[cols[col]]).astype("Float64")
    out["age_group"] = [lab[(cols["age_group"], int(c))] for c in done[cols["age_group"]]]
    return out


def _from_text(data: pd.DataFrame, variant: str, date: pd.Series) -> pd.DataFrame:
    """Forms/Google Forms (label text) -> the original survey, by hand."""
    lang = variant[-2:]
    cols = xx.COLUMNS[variant]
    scale = xx.SCALE_DA if lang == "da" else xx.SCALE_EN
    score = {s: float(i) for i, s in enumerate(scale, start=1)}
    out = pd.DataFrame({"date": date.dt.normalize()})
    out["unit"] = data[cols["unit"]].astype(str)
    out["role"] = np.where(data[cols["role"]] == xx.MANAGER[lang], "manager", "employee")
    for q in ex.QUESTIONS:
        assert set(data[cols[q]].dropna()) <= {*scale, xx.DONT_KNOW[lang]}
        v = data[cols[q]].map(score).astype("Float64")
        out[q] = 6 - v if q in xx.REVERSED else v
    for col in ("home_days_wanted", "home_days_actual", "seniority_years", "commute_minutes"):
        out[col] = pd.to_numeric(data[cols[col]]).astype("Float64")
    out["age_group"] = data[cols["age_group"]].astype(str)
    return out


def _same(got: pd.DataFrame, small) -> None:
    want = _original(small)
    got = got[ORIGINAL].reset_index(drop=True)
    got["date"] = got["date"].astype(want["date"].dtype)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_committed_exports_are_what_the_writer_makes(small, tmp_path):
    paths = xx.write_exports(small["survey"], list(small["units"]["unit"]), tmp_path,
                             variants=xx.COMMITTED)  # fmt: skip
    for path in paths:
        rel = path.relative_to(tmp_path)
        kept = COMMITTED / rel
        assert kept.exists(), f"{rel} is not in data/examples/exports (regenerate, see README)"
        if path.suffix == ".sav":  # the SPSS header holds the time it was written
            import pyreadstat

            a, _ = pyreadstat.read_sav(path)
            b, _ = pyreadstat.read_sav(kept)
            pd.testing.assert_frame_equal(a, b)
        else:
            assert path.read_bytes() == kept.read_bytes(), f"{rel} differs: regenerate"
    size = sum(p.stat().st_size for p in COMMITTED.rglob("*") if p.is_file())
    assert size < 600_000


def test_surveyxact_xlsx_shape_and_round_trip(written, small):
    book = pd.read_excel(written / "surveyxact.xlsx", sheet_name=None, header=None)
    assert list(book) == ["Dataset", "Dataset(1)", "Structure", "Labels"]
    data = pd.concat(
        [pd.read_excel(written / "surveyxact.xlsx", sheet_name=s) for s in ("Dataset",
                                                                              "Dataset(1)")],
        axis=1,
    )  # fmt: skip
    assert list(data.columns[:9]) == list(xx.SX_SYSTEM)
    assert list(data.columns[-5:]) == list(xx.SX_STATUS)
    assert (data[list(xx.SX_STATUS)].sum(axis=1) == 1).all()
    assert (data["statoverall_4"] == 1).sum() == len(small["survey"])
    assert ((data["statoverall_4"] == 0).sum()) >= 20  # incomplete respondents
    assert data.loc[data["statoverall_4"] == 0, "closetime"].isna().all()
    structure = book["Structure"]
    assert list(structure.iloc[0]) == ["questionName", "variableName", "questionType",
                                       "subType", "questionText", "choiceValue",
                                       "choiceText"]  # fmt: skip
    labels = book["Labels"]
    assert list(labels.iloc[0, :2]) == ["s_1", 1]  # no header
    assert ("s_3_1", 6, "Ved ikke") in set(labels.itertuples(index=False, name=None))
    _same(_from_codes(data, labels, "surveyxact_xlsx"), small)


@pytest.mark.parametrize("variant", list(xx.CSV_DIALECTS))
def test_surveyxact_csv_flavours(written, small, variant):
    sep, encoding = xx.CSV_DIALECTS[variant]
    folder = written / xx.PATHS[variant]
    raw = (folder / "dataset.csv").read_bytes()
    if encoding == "utf-16":
        assert raw[:2] == b"\xff\xfe"
    text = raw.decode(encoding)
    assert text.splitlines()[0].split(sep)[:3] == ["respondentid", "created", "modified"]
    assert "\r\n" in text
    data = pd.read_csv(io.StringIO(text), sep=sep)
    labels = pd.read_csv(folder / "labels.csv", sep=sep, encoding=encoding, header=None)
    structure = pd.read_csv(folder / "structure.csv", sep=sep, encoding=encoding)
    assert structure.shape[1] == 7 and "Ved ikke" in set(structure["choiceText"])
    assert "Økonomi" in set(labels[2])
    _same(_from_codes(data, labels, variant), small)


def test_spss_value_labels_and_round_trip(written, small):
    import pyreadstat

    data, meta = pyreadstat.read_sav(written / "surveyxact.sav")
    assert meta.variable_value_labels["s_3_1"][6.0] == "Ved ikke"
    assert meta.variable_value_labels["s_2"] == {1.0: "Medarbejder", 2.0: "Leder"}
    assert meta.column_names_to_labels["s_3_1"] == xx.STATEMENTS["concentration"]["da"]
    labels = pd.DataFrame(
        [(v, c, t) for v, d in meta.variable_value_labels.items() for c, t in d.items()]
    )
    _same(_from_codes(data, labels, "spss"), small)


@pytest.mark.parametrize("lang", ["da", "en"])
def test_forms(written, small, lang):
    data = pd.read_excel(written / xx.PATHS[f"forms_{lang}"])
    if lang == "en":
        assert list(data.columns[:6]) == ["ID", "Start time", "Completion time", "Email",
                                          "Name", "Last modified time"]  # fmt: skip
        assert set(data["Email"]) == {"anonymous"}
    else:
        assert list(data.columns[:5]) == ["Id", "Starttidspunkt", "Tidspunkt for fuldførelse",
                                          "Mail", "Navn"]  # fmt: skip
        assert data["Mail"].str.endswith("@arbejdsplads.example").all()
    assert "Meget enig" in set(data[xx.COLUMNS["forms_da"]["wellbeing"]]) if lang == "da" else 1
    answers = data[xx.COLUMNS[f"forms_{lang}"]["concentration"]]
    assert xx.DONT_KNOW[lang] in set(answers)
    date = pd.to_datetime(data[xx.DATE_COLUMNS[f"forms_{lang}"]])
    _same(_from_text(data, f"forms_{lang}", date), small)


@pytest.mark.parametrize("lang", ["da", "en"])
def test_google_forms(written, small, lang):
    data = pd.read_csv(written / xx.PATHS[f"google_{lang}"])
    first = data.columns[0]
    assert first == ("Tidsstempel" if lang == "da" else "Timestamp")
    grid = [c for c in data.columns if c.startswith(xx.GRID[lang] + " [")]
    assert len(grid) == len(ex.QUESTIONS)
    if lang == "en":
        ts = data[first].str.replace(" GMT+1", "", regex=False)
        date = pd.to_datetime(ts, format="%Y/%m/%d %I:%M:%S %p")
    else:
        date = pd.to_datetime(data[first], format="%d/%m/%Y %H.%M.%S")
    _same(_from_text(data, f"google_{lang}", date), small)


def test_no_personal_data_of_real_people(written):
    data = pd.read_excel(written / "surveyxact.xlsx", sheet_name="Dataset")
    assert data["email"].str.endswith("@arbejdsplads.example").all()  # a reserved domain
    for variant, cols in xx.PERSONAL.items():
        assert all(c not in xx.COLUMNS[variant].values() for c in cols)


def test_xlsx_bytes_do_not_depend_on_the_clock(small, tmp_path):
    xx.write_exports(small["survey"], list(small["units"]["unit"]), tmp_path / "a",
                     variants=("forms_en",))  # fmt: skip
    with zipfile.ZipFile(tmp_path / "a" / "forms_en.xlsx") as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 10, 1, 0, 0, 0)}


def test_examples_command_writes_exports(tmp_path, capsys):
    assert ex.examples_command("small", 1, tmp_path, exports=True) == 0
    names = {p.name for p in (tmp_path / "exports").iterdir()}
    assert names == set(xx.PATHS.values())
    assert "exports/" in capsys.readouterr().out


def test_unknown_variant_is_refused(small, tmp_path):
    with pytest.raises(ValueError, match="unknown export"):
        xx.write_exports(small["survey"], [], tmp_path, variants=("qualtrics",))
