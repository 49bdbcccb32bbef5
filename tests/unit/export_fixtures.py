"""Small exports of the example organisation in each survey tool's shape, for the tests.

Each writer takes the example survey frame (``hjemmekit.examples.generate``) and writes
it as the tool would, with planted personal data (names, e-mails, ids, IP addresses,
free-text comments), respondents that did not complete, and "Ved ikke" answers where
the original has no answer.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from hjemmekit.examples import QUESTION_TEXTS, QUESTIONS

AGREE_DA = ["Helt uenig", "Uenig", "Hverken enig eller uenig", "Enig", "Helt enig"]
AGREE_EN = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree",
            "Strongly agree"]
ROLE_DA = {"employee": "Medarbejder", "manager": "Leder"}
PLANTED_NAME = "Mette Frederiksen-Testperson"
PLANTED_DOMAIN = "example-personal.dk"
PLANTED_IP = "10.99.88.77"
PLANTED_COMMENT = "Min leder Jens Hemmelig er for streng"


def person(i: int) -> tuple[str, str]:
    return f"{PLANTED_NAME} {i}", f"person{i}@{PLANTED_DOMAIN}"


def _incomplete(survey: pd.DataFrame, every: int = 9) -> np.ndarray:
    """Rows to add as respondents who did not complete (copies with answers cut)."""
    return np.arange(0, len(survey), every)


def surveyxact_tables(survey: pd.DataFrame) -> tuple[pd.DataFrame, list[list[str]],
                                                     list[list[object]]]:
    """Dataset (with personal and status columns), Structure rows, Labels rows."""
    units = sorted(survey["unit"].astype(str).unique())
    unit_code = {u: i + 1 for i, u in enumerate(units)}
    ages = ["under 30", "30-44", "45-59", "60+"]
    n = len(survey)
    extra = _incomplete(survey)
    rows = np.concatenate([np.arange(n), extra])
    done = np.concatenate([np.ones(n, bool), np.zeros(len(extra), bool)])
    s = survey.iloc[rows].reset_index(drop=True)
    d: dict[str, object] = {}
    d["respondentid"] = np.arange(1000, 1000 + len(s))
    d["email"] = [person(i)[1] for i in range(len(s))]
    d["name"] = [person(i)[0] for i in range(len(s))]
    dates = pd.to_datetime(s["date"])
    d["created"] = (dates - pd.Timedelta(days=1)).dt.strftime("%Y-%m-%d 08:00:00")
    d["closetime"] = np.where(done, dates.dt.strftime("%Y-%m-%d 10:30:00"), "")
    for k in range(1, 6):
        d[f"statoverall_{k}"] = np.where(done, int(k == 4), int(k == 3))
    d["enhed"] = s["unit"].astype(str).map(unit_code).to_numpy()
    d["rolle"] = np.where(s["role"].astype(str) == "manager", 2, 1)
    for q in QUESTIONS:
        v = s[q].astype("float64").to_numpy()
        code = np.where(np.isnan(v), 6, v)  # 6 = Ved ikke
        code = np.where(done, code, np.where(np.arange(len(s)) % 2 == 0, code, np.nan))
        d[q] = code
    d["home_days_wanted"] = s["home_days_wanted"].to_numpy()
    d["home_days_actual"] = s["home_days_actual"].to_numpy()
    d["seniority_years"] = s["seniority_years"].to_numpy()
    d["commute_minutes"] = s["commute_minutes"].to_numpy()
    d["age_group"] = s["age_group"].astype(str).map({a: i + 1 for i, a in enumerate(ages)})
    d["kommentar"] = [f"{PLANTED_COMMENT} nr. {i}" if i % 3 == 0 else "" for i in range(len(s))]
    d["ip"] = PLANTED_IP
    dataset = pd.DataFrame(d)
    structure = [["questionName", "variableName", "questionType", "subType", "questionText",
                  "choiceValue", "choiceText"]]
    structure.append(["enhed", "enhed", "background", "", "Enhed", "", ""])
    structure.append(["rolle", "rolle", "single", "", "Er du leder eller medarbejder?", "", ""])
    for q in QUESTIONS:
        structure.append(["q1", q, "matrix", "", QUESTION_TEXTS[q]["da"], "", ""])
    structure.append(["q2", "kommentar", "text", "", "Kommentarer", "", ""])
    labels: list[list[object]] = []
    for u, c in unit_code.items():
        labels.append(["enhed", c, u])
    labels += [["rolle", 1, "Medarbejder"], ["rolle", 2, "Leder"]]
    for q in QUESTIONS:
        labels += [[q, i + 1, lab] for i, lab in enumerate(AGREE_DA)]
        labels.append([q, 6, "Ved ikke"])
    labels += [["age_group", i + 1, a] for i, a in enumerate(ages)]
    return dataset, structure, labels


def write_surveyxact_csv(survey: pd.DataFrame, folder: Path, dialect: str) -> list[Path]:
    """The three CSV files: ``tab`` (tab, UTF-16), ``semicolon`` (cp1252), ``comma``."""
    dataset, structure, labels = surveyxact_tables(survey)
    sep, encoding = {"tab": ("\t", "utf-16"), "semicolon": (";", "cp1252"),
                     "comma": (",", "utf-8")}[dialect]
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, rows in (("dataset", None), ("structure", structure), ("labels", labels)):
        buf = io.StringIO()
        if rows is None:
            dataset.to_csv(buf, sep=sep, index=False, float_format="%.10g",
                           lineterminator="\r\n")
        else:
            csv.writer(buf, delimiter=sep, lineterminator="\r\n").writerows(rows)
        path = folder / f"{name}.csv"
        path.write_bytes(buf.getvalue().encode(encoding))
        paths.append(path)
    return paths


def write_surveyxact_xlsx(survey: pd.DataFrame, path: Path, split: int | None = None,
                          labels: bool = True) -> Path:
    """The workbook; ``split``: columns per Dataset sheet (continued in Dataset(1)...)."""
    dataset, structure, label_rows = surveyxact_tables(survey)
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        if split:
            cols = list(dataset.columns)
            for i, start in enumerate(range(0, len(cols), split)):
                part = cols[start:start + split]
                if i:
                    part = ["respondentid", *part]
                name = "Dataset" if i == 0 else f"Dataset({i})"
                dataset[part].to_excel(xw, sheet_name=name, index=False)
        else:
            dataset.to_excel(xw, sheet_name="Dataset", index=False)
        pd.DataFrame(structure[1:], columns=structure[0]).to_excel(
            xw, sheet_name="Structure", index=False)
        if labels:
            pd.DataFrame(label_rows).to_excel(xw, sheet_name="Labels", index=False,
                                              header=False)
    return path


def forms_frame(survey: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A Microsoft Forms export: label text, one column per statement."""
    n = len(survey)
    extra = _incomplete(survey)
    s = survey.iloc[np.concatenate([np.arange(n), extra])].reset_index(drop=True)
    done = np.concatenate([np.ones(n, bool), np.zeros(len(extra), bool)])
    dates = pd.to_datetime(s["date"])
    scale = AGREE_DA if lang == "da" else AGREE_EN
    dont = "Ved ikke" if lang == "da" else "Don't know"
    heads = (["Id", "Starttidspunkt", "Fuldførelsestidspunkt", "Mail", "Navn"] if lang == "da"
             else ["ID", "Start time", "Completion time", "Email", "Name"])
    d: dict[str, object] = {
        heads[0]: np.arange(1, len(s) + 1),
        heads[1]: (dates + pd.Timedelta(hours=9)).to_numpy(),
        heads[2]: pd.Series(dates + pd.Timedelta(hours=9, minutes=7)).where(done).to_numpy(),
        heads[3]: [person(i)[1] for i in range(len(s))],
        heads[4]: [person(i)[0] for i in range(len(s))],
    }
    d["Enhed" if lang == "da" else "Unit"] = s["unit"].astype(str).to_numpy()
    d["Rolle" if lang == "da" else "Role"] = s["role"].astype(str).map(
        ROLE_DA if lang == "da" else {"employee": "Employee", "manager": "Manager"}).to_numpy()
    for q in QUESTIONS:
        v = s[q].astype("float64").to_numpy()
        d[QUESTION_TEXTS[q][lang]] = [dont if np.isnan(x) else scale[int(x) - 1] for x in v]
    d["Hvor mange dage om ugen ønsker du at arbejde hjemme?" if lang == "da" else
      "How many days a week do you want to work from home?"] = s["home_days_wanted"].to_numpy()
    d["Hvor mange dage om ugen arbejder du faktisk hjemme?" if lang == "da" else
      "How many days a week do you actually work from home?"] = s["home_days_actual"].to_numpy()
    d["seniority_years"] = s["seniority_years"].to_numpy()
    d["commute_minutes"] = s["commute_minutes"].to_numpy()
    d["age_group"] = s["age_group"].astype(str).to_numpy()
    d["Kommentarer" if lang == "da" else "Comments"] = [
        f"{PLANTED_COMMENT} nr. {i}" if i % 2 == 0 else None for i in range(len(s))]
    return pd.DataFrame(d)


def write_forms(survey: pd.DataFrame, path: Path, lang: str) -> Path:
    forms_frame(survey, lang).to_excel(path, index=False, sheet_name="Sheet1")
    return path


def forms_names(lang: str) -> dict[str, str]:
    """Output names for the Forms headers, so the import is named as the original."""
    names = {QUESTION_TEXTS[q][lang]: q for q in QUESTIONS}
    if lang == "da":
        names["Hvor mange dage om ugen ønsker du at arbejde hjemme?"] = "home_days_wanted"
    return names


def write_google(survey: pd.DataFrame, path: Path, lang: str = "da") -> Path:
    """A Google Forms CSV: Timestamp, grid ``Question [Statement]`` columns."""
    dates = pd.to_datetime(survey["date"])
    scale = AGREE_DA if lang == "da" else AGREE_EN
    d: dict[str, object] = {
        "Tidsstempel" if lang == "da" else "Timestamp":
            (dates + pd.Timedelta(hours=11)).dt.strftime("%d/%m/%Y %H:%M:%S").to_numpy(),
        "E-mailadresse" if lang == "da" else "Email Address":
            [person(i)[1] for i in range(len(survey))],
        "Enhed": survey["unit"].astype(str).to_numpy(),
        "Rolle": survey["role"].astype(str).map(ROLE_DA).to_numpy(),
    }
    grid = "Hvor enig er du i følgende?"
    for q in QUESTIONS:
        v = survey[q].astype("float64").to_numpy()
        d[f"{grid} [{QUESTION_TEXTS[q]['da']}]"] = [
            "Ved ikke" if np.isnan(x) else scale[int(x) - 1] for x in v]
    d["home_days_wanted"] = survey["home_days_wanted"].to_numpy()
    d["home_days_actual"] = survey["home_days_actual"].to_numpy()
    d["seniority_years"] = survey["seniority_years"].to_numpy()
    d["commute_minutes"] = survey["commute_minutes"].to_numpy()
    d["age_group"] = survey["age_group"].astype(str).to_numpy()
    d["Andre kommentarer"] = [f"{PLANTED_COMMENT} {i}" if i % 2 else "" for i in
                              range(len(survey))]
    pd.DataFrame(d).to_csv(path, index=False)
    return path


def write_sav(survey: pd.DataFrame, path: Path) -> Path:
    """An SPSS .sav (as SurveyXact writes it) with value labels, via pyreadstat."""
    import pyreadstat

    dataset, structure, labels = surveyxact_tables(survey)
    dataset = dataset.drop(columns=["created"])
    dataset["closetime"] = pd.to_datetime(dataset["closetime"].replace("", None))
    value_labels: dict[str, dict[float, str]] = {}
    for var, code, label in labels:
        value_labels.setdefault(str(var), {})[float(code)] = str(label)  # type: ignore[arg-type]
    texts = {row[1]: row[4] for row in structure[1:]}
    for c in dataset.columns:
        if dataset[c].dtype == object and c not in ("closetime",):
            dataset[c] = dataset[c].astype(str)
    pyreadstat.write_sav(dataset, str(path), column_labels={c: texts.get(c, c) for c in
                                                            dataset.columns},
                         variable_value_labels=value_labels)
    return path
