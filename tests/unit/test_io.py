"""Tests for hjemmekit.io: reading and validating data files."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from hjemmekit import io as hio
from hjemmekit.io import (
    COLUMN_NAMES,
    KINDS,
    DataError,
    Problem,
    ValidationReport,
    column_names_markdown,
    infer_kind,
    read_bytes,
    read_data_dir,
    read_kind,
    validate_bytes,
    validate_command,
    validate_file,
)

DATA = Path(__file__).resolve().parents[1] / "data"
GOOD = DATA / "good"
BROKEN = DATA / "broken"
ROOT = Path(__file__).resolve().parents[2]


def problems_of(data: bytes | str, name: str, kind: str | None = None) -> list[str]:
    if isinstance(data, str):
        data = data.encode()
    frame, report = validate_bytes(data, name, kind)
    return report.lines()


# ---------------------------------------------------------------------------
# Names


def test_column_names_table_covers_every_kind() -> None:
    assert set(COLUMN_NAMES) == set(KINDS)
    assert "enhed" in COLUMN_NAMES["units"]["unit"]
    assert "årsværk" in COLUMN_NAMES["sickleave"]["fte"]
    table = column_names_markdown()
    assert table.startswith("| Kind | Column |")
    assert "| survey | `date` | `dato`" in table
    assert "| sickleave | `sick_days` | `sygedage`" in table
    assert "| units | `parent` |" in table and "| no |" in table


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("survey.csv", "survey"),
        ("spørgeskema.xlsx", "survey"),
        ("Spoergeskema.CSV", "survey"),
        ("sygefravær.csv", "sickleave"),
        ("sygefravaer.xlsx", "sickleave"),
        ("data/enheder.csv", "units"),
        ("produktion.csv", "production"),
        ("dialog.csv", "dialogue"),
        ("survey_2026-03.csv", "survey"),
        ("foo.csv", None),
        ("units_survey.csv", None),
    ],
)
def test_infer_kind(name: str, kind: str | None) -> None:
    assert infer_kind(name) == kind


# ---------------------------------------------------------------------------
# Dialects and canonical frames


def test_read_good_data_dir() -> None:
    ds = read_data_dir(GOOD)
    assert ds.kinds == list(KINDS)
    assert ds.questions == ["q_focus", "q_wellbeing", "q_knowledge"]
    assert ds.background == ["seniority_years", "commute_minutes", "age_group"]

    units = ds.units
    assert units is not None
    assert list(units.columns) == ["unit", "group", "parent", "headcount", "desks"]
    assert units["group"].tolist()[1:3] == ["trial", "comparison"]
    assert pd.isna(units["group"].iat[0])
    assert units["headcount"].dtype == np.float64
    assert units["unit"].iat[1] == "Økonomi"

    survey = ds.survey
    assert survey is not None
    assert list(survey.columns[:3]) == ["date", "unit", "role"]
    assert survey["date"].dtype == "datetime64[ns]"
    assert survey["date"].iat[0] == pd.Timestamp("2026-01-31")
    assert set(survey["role"]) == {"employee", "manager"}
    assert survey["q_wellbeing"].isna().sum() == 1  # a blank answer is allowed
    assert survey["seniority_years"].dtype == np.float64
    assert survey["age_group"].iat[0] == "30-39"
    assert survey.attrs["questions"] == ds.questions
    # A survey's texts are categories in text order; other kinds keep str.
    for column in ("unit", "role", "age_group"):
        categories = survey[column].cat.categories.tolist()
        assert categories == sorted(categories), column
    assert set(survey["role"].cat.categories) == {"employee", "manager"}
    assert units["unit"].dtype == "str"

    sick = ds.sickleave
    assert sick is not None
    assert sick["month"].tolist()[:2] == [pd.Timestamp("2026-01-01"), pd.Timestamp("2026-02-01")]
    assert sick["sick_days"].iat[1] == 6.5

    prod = ds.production
    assert prod is not None
    assert prod["period"].tolist()[:3] == [
        pd.Timestamp("2026-01-01"), pd.Timestamp("2026-02-01"), pd.Timestamp("2026-01-31")]
    assert prod["value"].iat[1] == 131.5

    dialogue = ds.dialogue
    assert dialogue is not None
    assert "\n" in dialogue["note"].iat[1]
    assert pd.isna(dialogue["note"].iat[2])


def test_semicolon_decimal_comma_cp1252_danish_headers(tmp_path: Path) -> None:
    text = (
        "Dato;Enhed;Rolle;Jeg trives;Ønskede hjemmedage;Faktiske hjemmedage;"
        "Anciennitet (år);Transporttid_min;Aldersgruppe\r\n"
        "31-03-2026;Økonomi og Løn;Medarbejder;3,5;2;1,5;4;30;30-39\r\n"
        "31.03.2026;Århus afd.;Leder;4;;;12,5;25;50+\r\n"
        ";;;;;;;;\r\n"
    )
    path = tmp_path / "spørgeskema.csv"
    path.write_bytes(text.encode("cp1252"))
    df = read_kind(path)
    assert list(df.columns) == [
        "date", "unit", "role", "Jeg trives", "home_days_wanted", "home_days_actual",
        "seniority_years", "commute_minutes", "age_group"]
    assert len(df) == 2  # the ';;;;' line is dropped
    assert df["unit"].tolist() == ["Økonomi og Løn", "Århus afd."]
    assert df["role"].tolist() == ["employee", "manager"]
    assert df["Jeg trives"].tolist() == [3.5, 4.0]
    assert df["home_days_actual"].iat[0] == 1.5
    assert df["seniority_years"].tolist() == [4.0, 12.5]
    assert (df["date"] == pd.Timestamp("2026-03-31")).all()
    assert df.attrs["questions"] == ["Jeg trives"]


def test_utf8_bom_semicolon_units(tmp_path: Path) -> None:
    text = ("Enhed;Gruppe;Overenhed;Antal ansatte;Arbejdspladser\n"
            "Økonomi;Forsøg;Direktion;12;8\nÅrhus;sammenligning;;20;20\nDirektion;;;3;3\n")
    path = tmp_path / "enheder.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    df = read_kind(path)
    assert df["unit"].tolist() == ["Økonomi", "Århus", "Direktion"]
    assert df["group"].tolist()[:2] == ["trial", "comparison"]
    assert df["parent"].iat[0] == "Direktion" and pd.isna(df["parent"].iat[1])
    assert df["headcount"].sum() == 35 and df["desks"].sum() == 31


def test_plain_utf8_danish_headers_without_bom(tmp_path: Path) -> None:
    path = tmp_path / "sygefravær.csv"
    path.write_text("enhed,måned,årsværk,sygedage\nØkonomi,2026-03,\"2,5\",3\n",
                    encoding="utf-8")
    df = read_kind(path)
    assert df["fte"].iat[0] == 2.5  # a quoted decimal comma in a comma file
    assert df["month"].iat[0] == pd.Timestamp("2026-03-01")


def test_tab_separated_and_transliterated_headers() -> None:
    text = "enhed\tmaaned\taarsvaerk\tsygedage\nA\t2026-03\t2.5\t3\n"
    df = read_bytes(text.encode(), "sickleave.txt")
    assert list(df.columns) == ["unit", "month", "fte", "sick_days"]
    assert df["fte"].iat[0] == 2.5


def test_semicolon_file_with_decimal_point_and_thousands() -> None:
    text = "enhed;periode;nøgletal;værdi\nA;2026-01;sager;3.5\nA;2026-02;sager;1.234,5\n"
    df = read_bytes(text.encode(), "produktion.csv")
    assert df["value"].tolist() == [3.5, 1234.5]
    assert df["metric"].tolist() == ["sager", "sager"]


def test_xlsx_with_date_cells_serials_and_blank_rows(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Dato", "Enhed", "Rolle", "Spm 1", "Ønskede hjemmedage"])
    ws.append([dt.datetime(2026, 3, 31), "Økonomi", "medarbejder", 3, 2])
    ws.append([])  # row 3 blank
    ws.append(["31-03-2026", 101, "Leder", 4.5, None])
    ws.append([46112, "HR", "leder", "x", 7])  # 46112 is 2026-03-31 as an Excel serial
    path = tmp_path / "survey.xlsx"
    wb.save(path)
    frame, report = validate_file(path)
    assert frame is not None
    assert (frame["date"] == pd.Timestamp("2026-03-31")).all()
    assert frame["unit"].tolist() == ["Økonomi", "101", "HR"]
    assert frame["Spm 1"].tolist()[:2] == [3.0, 4.5]
    assert report.lines() == [
        f"{path}:5: column 'Spm 1': 'x' is not a number",
        f"{path}:5: column 'Ønskede hjemmedage': '7' is not between 0 and 5 home days a week",
    ]


def test_xlsx_units_and_months(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["enhed", "måned", "årsværk", "sygedage"])
    ws.append(["A", dt.datetime(2026, 3, 1), 2.5, 3])
    ws.append(["A", "2026-04", "2,5", 3])
    ws.append(["B", "05-2026", 1, 0])
    path = tmp_path / "sygefravaer.xlsx"
    wb.save(path)
    df = read_kind(path)
    assert df["month"].tolist() == [pd.Timestamp("2026-03-01"), pd.Timestamp("2026-04-01"),
                                    pd.Timestamp("2026-05-01")]
    assert df["fte"].tolist() == [2.5, 2.5, 1.0]


def test_xlsx_title_rows_above_the_header_and_sheet_named_after_the_kind(
    tmp_path: Path,
) -> None:
    wb = openpyxl.Workbook()
    first = wb.active
    first.title = "Forside"
    first.append(["Nothing to see here"])
    ws = wb.create_sheet("Enheder")
    ws.append(["Enheder i Styrelsen"])  # a title row
    ws.append([])
    ws.append(["Enhed", "Gruppe", "Antal ansatte"])
    ws.append(["A", "forsøg", 3])
    ws.append(["B", "kontrol", -4])
    path = tmp_path / "data.xlsx"
    wb.save(path)
    frame, report = validate_file(path, "units")
    assert frame is not None
    assert frame["group"].tolist() == ["trial", "comparison"]
    assert report.lines() == [f"{path}:5: column 'Antal ansatte': '-4' is negative"]


@pytest.mark.parametrize(
    "text",
    ["2026-03-31", "31-03-2026", "31.03.2026", "31/03/2026", "2026-03-31 00:00:00",
     "2026-03-31T08:15:00", " 2026-3-31 "],
)
def test_date_formats(text: str) -> None:
    data = f"date,unit,theme,note\n{text},A,t,n\n".encode()
    df = read_bytes(data, "dialogue.csv")
    assert df["date"].iat[0] == pd.Timestamp("2026-03-31")


@pytest.mark.parametrize(
    "text",
    ["2026-03", "2026-3", "2026M03", "03-2026", "03.2026", "2026-03-01", "2026-03-17",
     "01-03-2026"],
)
def test_month_formats(text: str) -> None:
    data = f"unit,month,fte,sick_days\nA,{text},1,1\n".encode()
    assert read_bytes(data, "sickleave.csv")["month"].iat[0] == pd.Timestamp("2026-03-01")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-03", "2026-03-01"), ("03-2026", "2026-03-01"), ("2026-03-15", "2026-03-15"),
     ("15.03.2026", "2026-03-15")],
)
def test_period_is_a_month_or_a_date(text: str, expected: str) -> None:
    data = f"unit,period,metric,value\nA,{text},cases,1\n".encode()
    assert read_bytes(data, "production.csv")["period"].iat[0] == pd.Timestamp(expected)


# ---------------------------------------------------------------------------
# Problems: one line each, naming file, line and column

PROBLEM_CASES = [
    # (file name, content, expected line)
    ("survey.csv", "date,unit,role,q1\n2026-03-31,A,employee,3\n31-02-2026,A,employee,4\n",
     "survey.csv:3: column 'date': '31-02-2026' is not a date"),
    ("survey.csv", "dato,enhed,rolle,q1\n2026-02-30,A,medarbejder,3\n",
     "survey.csv:2: column 'dato': '2026-02-30' is not a date"),
    ("survey.csv", "date,unit,role,q1\n2026-03-31,A,boss,3\n",
     "survey.csv:2: column 'role': 'boss' is not a role"),
    ("survey.csv", "date,unit,role,q1\n2026-03-31,,employee,3\n",
     "survey.csv:2: column 'unit': missing value"),
    ("survey.csv", "date,unit,role,q1\n,A,employee,3\n",
     "survey.csv:2: column 'date': missing value"),
    ("survey.csv", "date,unit,role,q1\n2026-03-31,A,employee,3\n2026-03-31,A,employee,lots\n",
     "survey.csv:3: column 'q1': 'lots' is not a number"),
    ("survey.csv", "date,unit,role,q1\n2026-03-31,A,employee,3\n2026-03-31,A,employee,11\n",
     "survey.csv:3: column 'q1': '11' is outside the answer range 0-10"),
    ("survey.csv", "date,unit,role,q1\n2026-03-31,A,employee,3\n2026-03-31,A,employee,-2\n",
     "survey.csv:3: column 'q1': '-2' is outside the answer range 0-10"),
    ("survey.csv", "date,unit,role,q1,home_days_actual\n2026-03-31,A,employee,3,-1\n",
     "survey.csv:2: column 'home_days_actual': '-1' is not between 0 and 5"),
    ("survey.csv", "date,unit,role,q1,ønskede_hjemmedage\n2026-03-31,A,employee,3,fem\n",
     "survey.csv:2: column 'ønskede_hjemmedage': 'fem' is not a number"),
    ("survey.csv", "unit,role,q1\nA,employee,3\n",
     "survey.csv:1: column 'date': missing required column"),
    ("survey.csv", "date,unit,enhed,role\n2026-03-31,A,A,employee\n",
     "survey.csv:1: column 'enhed': is the same column as 'unit'"),
    ("survey.csv", "date,unit,role,q1\n2026-03-31,A,employee,3\n2026-03-31,A,employee,3,4\n",
     "survey.csv:3: the line has 5 fields but the header has 4"),
    ("units.csv", "unit,group\nA,trial\nB,maybe\n",
     "units.csv:3: column 'group': 'maybe' is not a group"),
    ("units.csv", "unit,group,headcount\nA,trial,3\nB,,x\n",
     "units.csv:3: column 'headcount': 'x' is not a number"),
    ("units.csv", "unit,group,headcount,desks\nA,trial,3,-1\n",
     "units.csv:2: column 'desks': '-1' is negative"),
    ("units.csv", "unit,group\nA,trial\nB,\nA,comparison\n",
     "units.csv:4: column 'unit': unit 'A' is listed again (first on line 2)"),
    ("units.csv", "unit,headcount\nA,3\n",
     "units.csv:1: column 'group': missing required column (also accepted: 'gruppe'); "
     "columns found: 'unit', 'headcount'"),
    ("sickleave.csv", "unit,month,fte,sick_days\nA,2026-01,-1,0\n",
     "sickleave.csv:2: column 'fte': '-1' is negative"),
    ("sickleave.csv", "unit,month,fte,sick_days\nA,2026-01,1,-3\n",
     "sickleave.csv:2: column 'sick_days': '-3' is negative"),
    ("sickleave.csv", "unit,month,fte,sick_days\nA,2026-01,2,70\n",
     "sickleave.csv:2: column 'sick_days': '70' sick days is more than 31 per årsværk"),
    ("sickleave.csv", "unit,month,fte,sick_days\nA,2026-13,2,1\n",
     "sickleave.csv:2: column 'month': '2026-13' is not a month"),
    ("sickleave.csv", "unit,month,fte,sick_days\nA,marts,2,1\n",
     "sickleave.csv:2: column 'month': 'marts' is not a month"),
    ("sickleave.csv", "unit,month,fte,sick_days\nA,2026-01,,1\n",
     "sickleave.csv:2: column 'fte': missing value"),
    ("sickleave.csv", "unit,month,fte,sick_days\nA,2026-01,inf,1\n",
     "sickleave.csv:2: column 'fte': 'inf' is not a number"),
    ("sickleave.csv", "unit,month,fte,sick_days\nA,2026-01,2,1\nB,2026-01,2,1\nA,01-2026,3,1\n",
     "sickleave.csv:4: column 'unit': unit 'A', month '01-2026' is listed again (first on "
     "line 2)"),
    ("production.csv", "unit,period,metric,value\nA,2026-01,cases,1\nA,2026-01,days,1\n"
     "A,2026-01,cases,2\n",
     "production.csv:4: column 'unit': unit 'A', period '2026-01', metric 'cases' is listed "
     "again (first on line 2)"),
    ("units.csv", "unit,group,parent\nA,trial,B\nB,,C\nC,,A\nD,comparison,\n",
     "units.csv:2: column 'parent': the units' parents go round in a loop: 'A' → 'B' → 'C' → "
     "'A'"),
    ("units.csv", "unit,group,parent\nA,trial,A\n",
     "units.csv:2: column 'parent': the units' parents go round in a loop: 'A' → 'A'"),
    ("survey.csv", "date,unit,role,comment\n2026-03-31,A,employee,fine\n",
     "survey.csv:1: no column holds answers"),
    ("production.csv", "unit,period,metric,value\nA,2026-01,cases,many\n",
     "production.csv:2: column 'value': 'many' is not a number"),
    ("production.csv", "unit,period,metric,value\nA,soon,cases,1\n",
     "production.csv:2: column 'period': 'soon' is not a period"),
    ("production.csv", "unit,period,metric,value\nA,2026-01,,1\n",
     "production.csv:2: column 'metric': missing value"),
    ("dialogue.csv", "date,unit,theme\n2026-01-01,A,t\n",
     "dialogue.csv:1: column 'note': missing required column"),
    ("dialogue.csv", "date,unit,theme,note\n2026-13-01,A,t,n\n",
     "dialogue.csv:2: column 'date': '2026-13-01' is not a date"),
    ("units.csv", 'unit,group\nA,trial\nB,"trial\nC,x\n',
     "units.csv:3: a quote (\") opened on this line is never closed"),
    ("units.csv", "unit,group\nA,trial,oops\nB,trial\n",
     "units.csv:2: the line has 3 fields but the header has 2"),
    ("survey.csv", "", "survey.csv: the file is empty"),
    ("survey.csv", "date,unit,role,q1\n", "survey.csv: the file has no data rows"),
    ("survey.csv", b"\x00\x01\x02binary", "survey.csv: is not a CSV file"),
    ("survey.xlsx", b"PK\x03\x04 not really a zip", "survey.xlsx: is not a readable XLSX"),
    ("survey.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "survey.xls: is an old Excel .xls"),
]


@pytest.mark.parametrize(("name", "content", "expected"), PROBLEM_CASES)
def test_each_problem_is_one_line_with_file_line_and_column(
    name: str, content: str | bytes, expected: str
) -> None:
    lines = problems_of(content, name)
    assert any(line.startswith(expected) for line in lines), lines
    frame_or_error = pytest.raises(DataError)
    with frame_or_error:
        read_bytes(content.encode() if isinstance(content, str) else content, name)


def test_many_problems_in_one_file_are_all_reported_in_order() -> None:
    text = (
        "date,unit,role,q1,q2\n"
        "2026-03-31,A,employee,3,4\n"
        "31-02-2026,A,boss,x,12\n"        # line 3: four problems
        "2026-03-31,,employee,2,2\n"      # line 4: blank unit
        "2026-03-31,B,manager,3,3\n"
        "2026-03-31,B,leder,3,-1\n"       # line 6: out of range
    )
    lines = problems_of(text, "survey.csv")
    assert lines == [
        "survey.csv:3: column 'date': '31-02-2026' is not a date (use 2026-03-31 or 31-03-2026)",
        "survey.csv:3: column 'role': 'boss' is not a role (use medarbejder/employee or "
        "leder/manager)",
        "survey.csv:3: column 'q1': 'x' is not a number",
        "survey.csv:3: column 'q2': '12' is outside the answer range 0-10",
        "survey.csv:4: column 'unit': missing value",
        "survey.csv:6: column 'q2': '-1' is outside the answer range 0-10",
    ]


def test_report_is_capped_with_a_count_of_the_rest() -> None:
    rows = "".join(f"2026-03-31,A,employee,{v}\n" for v in [3] * 10 + [99] * 500)
    frame, report = validate_bytes(("date,unit,role,q1\n" + rows).encode(), "survey.csv")
    lines = report.lines()
    assert report.total == 500
    assert len(lines) == hio.REPORT_LIMIT + 1
    assert lines[0].startswith("survey.csv:12: column 'q1': '99'")
    assert lines[-1] == f"… and {500 - hio.REPORT_LIMIT} more problems"
    danish = report.lines("da")
    assert danish[0].startswith("survey.csv:12: kolonne 'q1': '99' ligger uden for svarskalaen")
    assert danish[-1] == f"… og {500 - hio.REPORT_LIMIT} problemer mere"


@pytest.mark.parametrize(("name", "content", "expected"), PROBLEM_CASES)
def test_every_problem_reads_in_danish_too(name: str, content: str | bytes,
                                           expected: str) -> None:
    """The app shows problems in its language: each has a Danish text with its values."""
    data = content.encode() if isinstance(content, str) else content
    _, report = validate_bytes(data, name)
    english, danish = report.lines("en"), report.lines("da")
    assert english == report.lines() and len(danish) == len(english)
    assert all(p.key for p in report.problems)
    for en, da in zip(english, danish, strict=True):
        assert "problems." not in da and "{" not in da  # a known key, every field filled
        assert da.startswith(en.split(": ")[0] + ": ")  # file and line as in English
        assert (": column '" in en) == (": kolonne '" in da)
        assert da != en


def test_line_numbers_follow_blank_lines_and_multiline_quotes() -> None:
    text = (
        "date,unit,theme,note\n"
        "\n"                                          # line 2 blank
        '2026-02-10,A,meetings,"two\nlines"\n'        # lines 3-4
        "2026-02-11,,meetings,blank unit\n"           # line 5
        '2026-02-12,B,x,"three\nlines\nhere"\n'       # lines 6-8
        "2026-02-31,B,x,bad date\n"                   # line 9
    )
    lines = problems_of(text, "dialogue.csv")
    assert lines == [
        "dialogue.csv:5: column 'unit': missing value",
        "dialogue.csv:9: column 'date': '2026-02-31' is not a date (use 2026-03-31 or "
        "31-03-2026)",
    ]


def test_too_long_lines_are_all_reported_and_other_lines_still_checked() -> None:
    text = (
        "unit,group\n"
        "A,trial,extra\n"        # line 2
        "B,comparison\n"
        "C,huh\n"                # line 4
        "D,trial,x,y\n"          # line 5
    )
    lines = problems_of(text, "units.csv")
    assert lines == [
        "units.csv:2: the line has 3 fields but the header has 2",
        "units.csv:4: column 'group': 'huh' is not a group (use forsøg/trial, "
        "sammenligning/comparison or leave it blank)",
        "units.csv:5: the line has 4 fields but the header has 2",
    ]


def test_excel_sep_line_trailing_delimiters_and_nfd_headers() -> None:
    nfd = "ma\u030aned"  # 'måned' as macOS writes it (decomposed)
    text = (f"sep=;\nenhed;{nfd};årsværk;sygedage;\n"
            "A;2026-01;1;2;\nB;2026-02;1;40;\n;;;;\n")
    frame, report = validate_bytes(text.encode(), "sygefravær.csv")
    assert frame is not None
    assert frame["unit"].tolist() == ["A", "B"]
    assert frame["month"].tolist() == [pd.Timestamp("2026-01-01"), pd.Timestamp("2026-02-01")]
    assert report.lines() == [
        "sygefravær.csv:4: column 'sygedage': '40' sick days is more than 31 per årsværk in a "
        "month (fte 1)"]


def test_unreadable_file_is_one_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "units.csv"
    path.write_text("unit,group\nA,trial\n")

    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", denied)
    frame, report = validate_file(path)
    assert frame is None
    assert report.lines() == [f"{path}: cannot read the file: Permission denied"]


def test_line_numbers_on_a_larger_file() -> None:
    n = 50_000
    dates = np.array(["2026-03-31"] * n, dtype=object)
    dates[[123, 40_000]] = ["31-02-2026", "someday"]
    frame = pd.DataFrame({"date": dates, "unit": "A", "role": "employee", "q1": 3})
    data = frame.to_csv(index=False).encode()
    lines = problems_of(data, "survey.csv")
    assert [line.split(": column")[0] for line in lines] == ["survey.csv:125", "survey.csv:40002"]


def test_survey_question_and_background_rule() -> None:
    text = (
        "date,unit,role,q1,bg_postcode,respondent_id,gender,seniority_years,år\n"
        "2026-03-31,A,employee,3,8000,17,f,2,2026\n"
        "2026-03-31,A,employee,4,2100,18,m,3,2026\n"
    )
    frame, report = validate_bytes(text.encode(), "survey.csv")
    assert frame is not None
    assert frame.attrs["questions"] == ["q1", "år"]
    assert frame.attrs["background"] == ["seniority_years", "bg_postcode", "respondent_id",
                                         "gender"]
    assert frame["bg_postcode"].dtype == np.float64
    assert frame["gender"].tolist() == ["f", "m"]
    # a numeric column with no answer in range is reported once, with a hint
    assert report.lines() == [
        "survey.csv:1: column 'år': no value is an answer from 0 to 10; if this is not a "
        "question, start its name with 'bg_' (e.g. 'bg_år')"]


def test_mostly_text_column_is_background_mostly_numbers_is_question() -> None:
    text = ("date,unit,role,team,q1\n"
            "2026-03-31,A,employee,north,3\n2026-03-31,A,employee,south,x\n"
            "2026-03-31,A,employee,7,4\n")
    frame, report = validate_bytes(text.encode(), "survey.csv")
    assert frame is not None
    assert frame.attrs["questions"] == ["q1"]
    assert frame["team"].tolist() == ["north", "south", "7"]
    assert report.lines() == ["survey.csv:3: column 'q1': 'x' is not a number"]


def test_problem_and_report_objects() -> None:
    p = Problem("a.csv", 14, "date", "'x' is not a date")
    assert str(p) == "a.csv:14: column 'date': 'x' is not a date"
    assert str(Problem("a.csv", None, None, "the file is empty")) == "a.csv: the file is empty"
    assert str(Problem("a.csv", 3, None, "too long")) == "a.csv:3: too long"
    report = ValidationReport([p])
    assert not report.ok and len(report) == 1 and list(report) == [p]
    err = DataError(report)
    assert err.problems == [p] and str(err) == str(p)


def test_read_kind_raises_data_error_with_all_problems(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_text("unit,group,headcount\nA,x,1\nB,y,-2\n")
    with pytest.raises(DataError) as info:
        read_kind(path)
    assert [(p.line, p.column) for p in info.value.problems] == [
        (2, "group"), (3, "group"), (3, "headcount")]
    assert all(p.file == str(path) for p in info.value.problems)


def test_read_data_dir_collects_problems_of_every_file(tmp_path: Path) -> None:
    (tmp_path / "units.csv").write_text("unit,group\nA,x\n")
    (tmp_path / "spørgeskema.csv").write_text("date,unit,role,q1\nbad,A,employee,3\n")
    (tmp_path / "notes.txt").write_text("ignored")
    with pytest.raises(DataError) as info:
        read_data_dir(tmp_path)
    text = str(info.value)
    assert "units.csv:2: column 'group'" in text
    assert "spørgeskema.csv:2: column 'date'" in text


def test_read_data_dir_folder_problems(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such folder"):
        read_data_dir(tmp_path / "nope")
    with pytest.raises(DataError, match="no data files found"):
        read_data_dir(tmp_path)
    (tmp_path / "survey.csv").write_text("date,unit,role\n2026-01-01,A,employee\n")
    (tmp_path / "survey.xlsx").write_bytes(b"")
    with pytest.raises(DataError, match="more than one survey file"):
        read_data_dir(tmp_path)


def test_progress_is_shown_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    data = b"unit,group\n" + b"".join(b"U%d,trial\n" % i for i in range(1000))
    frame, report = validate_bytes(data, "units.csv", progress=True)
    assert frame is not None and report.ok
    err = capsys.readouterr().err
    assert "reading units.csv: 100 %" in err


# ---------------------------------------------------------------------------
# The validate command


def test_validate_command_good_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert validate_command(GOOD / "survey.csv") == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "no problems found" in out
    assert "kind: survey" in out and "rows: 9" in out
    assert "questions (3): q_focus, q_wellbeing, q_knowledge" in out
    assert "dates: 2026-01-31 to 2026-06-30" in out


@pytest.mark.parametrize("kind", KINDS)
def test_validate_command_summarises_every_kind(
    kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert validate_command(GOOD / f"{kind}.csv") == 0
    assert f"kind: {kind}" in capsys.readouterr().out


def test_validate_command_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert validate_command(BROKEN / "survey_bad_date.csv") == 1
    out, err = capsys.readouterr()
    assert out == "" and "survey_bad_date.csv:3: column 'date'" in err

    assert validate_command(tmp_path / "missing.csv") == 1
    assert "missing.csv: no such file" in capsys.readouterr().err

    assert validate_command(tmp_path) == 1
    assert "is a folder" in capsys.readouterr().err

    odd = tmp_path / "whatever.csv"
    odd.write_text("unit,group\nA,trial\n")
    assert validate_command(odd) == 2
    assert "cannot tell the kind" in capsys.readouterr().err
    assert validate_command(odd, kind="units") == 0
    assert validate_command(odd, kind="nonsense") == 2


def test_validate_command_never_shows_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("something odd")

    monkeypatch.setattr(hio, "_load", boom)
    assert validate_command(GOOD / "units.csv") == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "units.csv" in err[0] and "something odd" in err[0]


# Every file in tests/data/broken/ with the line its validation must print.
BROKEN_FILES = {
    "survey_bad_date.csv": "survey_bad_date.csv:3: column 'date': '31-02-2026' is not a date",
    "survey_bad_role.csv": "survey_bad_role.csv:3: column 'role': 'boss' is not a role",
    "survey_no_date.csv": "survey_no_date.csv:1: column 'date': missing required column",
    "survey_answer_range.csv": "survey_answer_range.csv:3: column 'q2': '-1' is outside",
    "survey_home_days.csv": "survey_home_days.csv:2: column 'home_days_wanted': '6' is not",
    "survey_too_many_fields.csv": "survey_too_many_fields.csv:3: the line has 5 fields",
    "survey_empty.csv": "survey_empty.csv: the file is empty",
    "survey_header_only.csv": "survey_header_only.csv: the file has no data rows",
    "survey_binary.csv": "survey_binary.csv: is not a CSV file",
    "units_duplicate.csv": "units_duplicate.csv:4: column 'unit': unit 'A' is listed again",
    "units_bad_group.csv": "units_bad_group.csv:3: column 'group': 'control group x' is not",
    "units_negative_headcount.csv": "units_negative_headcount.csv:2: column 'headcount': '-3'",
    "sickleave_implausible.csv": "sickleave_implausible.csv:2: column 'sick_days': '40' sick",
    "sickleave_bad_month.csv": "sickleave_bad_month.csv:2: column 'month': '2026-13' is not",
    "production_not_number.csv": "production_not_number.csv:2: column 'value': 'many' is not",
    "dialogue_blank_value.csv": "dialogue_blank_value.csv:4: column 'unit': missing value",
}


def test_every_broken_file_is_listed() -> None:
    assert sorted(p.name for p in BROKEN.iterdir()) == sorted(BROKEN_FILES)


@pytest.mark.parametrize("name", sorted(BROKEN_FILES))
def test_broken_files_exit_1_naming_the_problem(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert validate_command(BROKEN / name) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert any(BROKEN_FILES[name] in line for line in err.splitlines()), err


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "hjemmekit.cli", "validate", *args],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
    )


def test_cli_validate_exit_codes_without_traceback(tmp_path: Path) -> None:
    good = _cli(str(GOOD / "sickleave.csv"))
    assert good.returncode == 0, good.stderr
    assert "kind: sickleave" in good.stdout

    odd = tmp_path / "whatever.csv"
    odd.write_text("unit,month,fte,sick_days\nA,2026-13,1,40\nB,,x,1\n")
    bad = _cli(str(odd), "--kind", "sickleave")
    assert bad.returncode == 1
    assert bad.stderr.splitlines() == [
        f"{odd}:2: column 'month': '2026-13' is not a month (use YYYY-MM, e.g. 2026-03)",
        f"{odd}:2: column 'sick_days': '40' sick days is more than 31 per årsværk in a month "
        "(fte 1)",
        f"{odd}:3: column 'month': missing value",
        f"{odd}:3: column 'fte': 'x' is not a number",
    ]

    unknown = _cli(str(odd))
    assert unknown.returncode == 2
    assert "cannot tell the kind" in unknown.stderr

    for result in (good, bad, unknown):
        assert "Traceback" not in result.stderr + result.stdout


# ---------------------------------------------------------------------------
# Big plain files are parsed by Arrow's reader: the same frames and problems as pandas


def _parsed_in_parts_and_whole(
    data: bytes, name: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[tuple[pd.DataFrame | None, list[str]], tuple[pd.DataFrame | None, list[str]]]:
    """``validate_bytes`` with Arrow's reader tried on every file, and with pandas'."""
    with monkeypatch.context() as m:
        m.setattr(hio, "ARROW_BYTES", 0)
        parts, parts_report = validate_bytes(data, name)
    whole, whole_report = validate_bytes(data, name)
    return (parts, parts_report.lines()), (whole, whole_report.lines())


PARTS_CASES = [
    *[(name, content) for name, content, _ in PROBLEM_CASES if not name.endswith("xls")
      and not name.endswith("xlsx")],
    *[(p.name.split("_")[0] + ".csv", p.read_bytes()) for p in sorted(BROKEN.glob("*.csv"))],
    *[(p.name, p.read_bytes()) for p in sorted(GOOD.glob("*.csv"))],
    ("survey.csv", b"date,unit,role,q1\r\n" + b"2026-03-31,A,employee,3\r\n" * 9
     + b"2026-03-31,B,boss,12\r\n"),                                        # CRLF
    ("survey.csv", b"date,unit,role,q1\n\n2026-03-31,A,employee,3\n\n\n"
     + b"2026-03-31,A,employee,3\n" * 6 + b"2026-03-31,A,employee,x\n\n\n"),  # blank lines
    ("dialogue.csv", b"date,unit,theme,note\n" + b'2026-02-10,A,t,"two\nlines, here"\n' * 5
     + b"2026-02-31,A,t,n\n"),                                              # quotes over lines
    ("survey.csv", b"date,unit,role,q1,bg_code\n" + b"2026-03-31,A,employee,3,0101\n" * 6
     + b"2026-03-31,A,employee,3,x1\n"),                                    # text after numbers
    ("survey.csv", b"date,unit,role,q1\n" + b"2026-03-31,A,employee,3\n" * 5
     + b"2026-03-31,A,employee,3,9\n2026-04-30,A,employee,2\n"),             # a too-long line
    ("survey.csv", b"date,unit,role,q1\n" + b"2026-03-31,A,employee,3\n" * 8),  # no final newline
]


@pytest.mark.parametrize(("name", "content"), PARTS_CASES)
def test_arrow_reader_gives_what_pandas_gives(
    name: str, content: str | bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = content.encode() if isinstance(content, str) else content
    (parts, parts_lines), (whole, whole_lines) = _parsed_in_parts_and_whole(
        data, name, monkeypatch)
    assert parts_lines == whole_lines
    if whole is None:
        assert parts is None
    else:
        assert parts is not None
        pd.testing.assert_frame_equal(parts, whole)
        assert parts.attrs == whole.attrs


def test_arrow_reader_is_used_for_a_big_clean_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison above must see Arrow's reader taken (not only its fallbacks)."""
    taken: list[bool] = []
    real = hio._parse_arrow

    def spy(*args: object, **kwargs: object) -> pd.DataFrame | None:
        frame = real(*args, **kwargs)  # type: ignore[arg-type]
        taken.append(frame is not None)
        return frame

    monkeypatch.setattr(hio, "_parse_arrow", spy)
    data = (GOOD / "survey.csv").read_bytes()
    (parts, _), (whole, _) = _parsed_in_parts_and_whole(data, "survey.csv", monkeypatch)
    assert taken[0] is True
    assert parts is not None and whole is not None
    pd.testing.assert_frame_equal(parts, whole)


def test_arrow_reader_gives_numbers_as_float64(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whole numbers come from Arrow as the frame's float64 (no copy into floats later)."""
    monkeypatch.setattr(hio, "ARROW_BYTES", 0)
    data = b"date,unit,role,q1,q2\n" + b"2026-03-31,A,employee,3,\n" * 6
    dtypes = {"c0": "category", "c1": "category", "c2": "category"}
    frame = hio._parse_arrow(data, 1, "utf-8", ",", ["c0", "c1", "c2", "c3", "c4"], dtypes)
    assert frame is not None
    assert frame["c3"].dtype == np.float64 and frame["c4"].dtype == np.float64
    assert frame["c3"].tolist() == [3.0] * 6 and frame["c4"].isna().all()


def test_encoding_is_checked_in_parts() -> None:
    """A character cut by the megabyte boundary is still UTF-8; a bad byte late is not."""
    text = ("a" * ((1 << 20) - 1) + "æøå\n").encode()
    assert hio._decode_check(text) == "utf-8"
    assert hio._decode_check(text + "æ".encode("cp1252")) == "cp1252"
    assert hio._decode_check(text + b"\x81") == "latin-1"
