"""The example organisation's survey as the survey tools export it.

``write_exports(survey, out_dir)`` writes the survey of ``hjemmekit.examples`` in the
shapes of the tools Danish state workplaces use, so the importer (``hjemmekit.exports``)
can be tried and tested on files that look like the real thing, without real people:

- ``surveyxact.xlsx``: SurveyXact's Excel export, sheets ``Dataset`` (split side by side
  into ``Dataset(1)``... past ``sheet_columns`` columns, as SurveyXact splits a wide
  dataset), ``Structure`` and ``Labels`` (no header);
- ``surveyxact_csv_utf16/``, ``surveyxact_csv_cp1252/``, ``surveyxact_csv_utf8/``: its
  three CSV files ``dataset.csv``, ``structure.csv``, ``labels.csv``, tab-separated UTF-16,
  semicolon-separated cp1252 and comma-separated UTF-8;
- ``surveyxact.sav``: the same dataset as SPSS, with variable and value labels;
- ``forms_da.xlsx``, ``forms_en.xlsx``: Microsoft Forms, Danish and English headers and
  answer texts (the English form is anonymous: ``anonymous`` in the e-mail column);
- ``google_forms_da.csv``, ``google_forms_en.csv``: Google Forms, grid as
  ``Question [Statement]``.

Exporting is lossless: importing a file with the mapping in ``COLUMNS`` (and the item in
``REVERSED`` turned round: it is asked the other way, "my workload is too heavy") gives
the original survey back. Blank answers of the original become "Ved ikke" / "Don't know"
(about half of them) or stay blank. SurveyXact and SPSS also hold respondents who did not
complete (``statoverall_4 = 0``), who must be left out. Names, e-mails, respondent ids and
the free-text comments are invented (no real people) and must never be imported.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from hjemmekit.examples import AGE_GROUPS, QUESTION_TEXTS, QUESTIONS

VARIANTS: tuple[str, ...] = (
    "surveyxact_xlsx",
    "surveyxact_csv_utf16",
    "surveyxact_csv_cp1252",
    "surveyxact_csv_utf8",
    "spss",
    "forms_da",
    "forms_en",
    "google_da",
    "google_en",
)
"""Every export ``write_exports`` writes, in the order of ``PATHS``."""

PATHS: dict[str, str] = {
    "surveyxact_xlsx": "surveyxact.xlsx",
    "surveyxact_csv_utf16": "surveyxact_csv_utf16",
    "surveyxact_csv_cp1252": "surveyxact_csv_cp1252",
    "surveyxact_csv_utf8": "surveyxact_csv_utf8",
    "spss": "surveyxact.sav",
    "forms_da": "forms_da.xlsx",
    "forms_en": "forms_en.xlsx",
    "google_da": "google_forms_da.csv",
    "google_en": "google_forms_en.csv",
}
"""Where each export is written, relative to the output folder (a CSV export of
SurveyXact is a folder of three files)."""

CSV_DIALECTS: dict[str, tuple[str, str]] = {
    "surveyxact_csv_utf16": ("\t", "utf-16"),
    "surveyxact_csv_cp1252": (";", "cp1252"),
    "surveyxact_csv_utf8": (",", "utf-8"),
}
"""Separator and encoding of SurveyXact's three CSV flavours (``utf-16`` with a BOM,
little-endian; all with CRLF line ends)."""

REVERSED: tuple[str, ...] = ("workload",)
"""Items asked the other way round in the exports (agreeing is worse): an import must
reverse them (score 6 - answer on the 1-5 scale) to get the original back."""

SCALE_DA: tuple[str, ...] = ("Meget uenig", "Uenig", "Hverken enig eller uenig", "Enig",
                             "Meget enig")  # fmt: skip
SCALE_EN: tuple[str, ...] = ("Strongly disagree", "Disagree", "Neither agree nor disagree",
                             "Agree", "Strongly agree")  # fmt: skip
DONT_KNOW = {"da": "Ved ikke", "en": "Don't know"}
DONT_KNOW_CODE = 6
"""SurveyXact's and SPSS's code of "Ved ikke" (after the scale's 1-5)."""
ROLE_LABELS = {"da": ("Medarbejder", "Leder"), "en": ("Employee", "Manager")}
"""Labels of the role question's codes 1 (employee) and 2 (manager)."""
MANAGER = {"da": "Leder", "en": "Manager"}

STATEMENTS: dict[str, dict[str, str]] = {
    **{q: dict(QUESTION_TEXTS[q]) for q in QUESTIONS},
    "workload": {"da": "Min arbejdsmængde er for stor", "en": "My workload is too heavy"},
}
"""The statements as the respondents saw them (``workload`` reversed)."""

GRID = {"da": "Hvor enig er du i følgende udsagn?",
        "en": "How much do you agree with the following statements?"}  # fmt: skip
OTHER_QUESTIONS: dict[str, dict[str, str]] = {
    "unit": {"da": "Hvilken enhed er du ansat i?", "en": "Which unit do you work in?"},
    "role": {"da": "Er du medarbejder eller leder?", "en": "Are you an employee or a manager?"},
    "home_days_wanted": {
        "da": "Hvor mange dage om ugen ønsker du at arbejde hjemme?",
        "en": "How many days a week would you like to work from home?",
    },
    "home_days_actual": {
        "da": "Hvor mange dage om ugen har du arbejdet hjemme den seneste måned?",
        "en": "How many days a week have you worked from home in the past month?",
    },
    "seniority_years": {
        "da": "Hvor mange år har du været ansat her?",
        "en": "How many years have you worked here?",
    },
    "commute_minutes": {
        "da": "Hvor mange minutter tager din vej til arbejde (én vej)?",
        "en": "How many minutes is your commute (one way)?",
    },
    "age_group": {"da": "Hvor gammel er du?", "en": "How old are you?"},
    "comment": {"da": "Har du andre kommentarer?", "en": "Any other comments?"},
}

# SurveyXact's default variable names: s_<question>, a matrix's statements s_<q>_<k>.
_SX_QUESTION = {
    "unit": "s_1", "role": "s_2", **{q: "s_3" for q in QUESTIONS},
    "home_days_wanted": "s_4", "home_days_actual": "s_5", "seniority_years": "s_6",
    "commute_minutes": "s_7", "age_group": "s_8", "comment": "s_9",
}  # fmt: skip
_SX_VARIABLE = {
    **{k: v for k, v in _SX_QUESTION.items() if v != "s_3"},
    **{q: f"s_3_{i}" for i, q in enumerate(QUESTIONS, start=1)},
}
_NUMERIC = ("home_days_wanted", "home_days_actual", "seniority_years", "commute_minutes")
SX_SYSTEM: tuple[str, ...] = ("respondentid", "created", "modified", "starttime", "closetime",
                              "difftime", "email", "name", "lang")  # fmt: skip
SX_STATUS: tuple[str, ...] = tuple(f"statoverall_{i}" for i in range(1, 6))
"""0/1 status columns: 1 not started, 2 started (not completed), 3 declined, 4 completed,
5 bounced (as we number them; only ``statoverall_4 = 1``, completed, is read)."""
_FORMS_SYSTEM = {
    "en": ("ID", "Start time", "Completion time", "Email", "Name", "Last modified time"),
    "da": ("Id", "Starttidspunkt", "Tidspunkt for fuldførelse", "Mail", "Navn"),
}
"""Forms' first columns; the Danish export is of the older kind, without the last-modified
column."""
_ORIGINAL = ("unit", "role", *QUESTIONS, *_NUMERIC, "age_group")


def _header(variant: str, column: str) -> str:
    lang = "en" if variant.endswith("_en") else "da"
    if variant.startswith(("surveyxact", "spss")):
        return _SX_VARIABLE[column]
    if column in STATEMENTS:
        if variant.startswith("google"):
            return f"{GRID[lang]} [{STATEMENTS[column][lang]}]"
        return STATEMENTS[column][lang]
    return OTHER_QUESTIONS[column][lang]


COLUMNS: dict[str, dict[str, str]] = {v: {c: _header(v, c) for c in _ORIGINAL} for v in VARIANTS}
"""Per export, the original survey column -> the export's column (SurveyXact and SPSS:
the variable name; Forms and Google Forms: the header). The date is the completion time:
``closetime``, ``Completion time`` / ``Tidspunkt for fuldførelse``, ``Timestamp`` /
``Tidsstempel``."""
DATE_COLUMNS: dict[str, str] = {
    **{v: "closetime" for v in VARIANTS if v.startswith(("surveyxact", "spss"))},
    "forms_da": "Tidspunkt for fuldførelse", "forms_en": "Completion time",
    "google_da": "Tidsstempel", "google_en": "Timestamp",
}  # fmt: skip
PERSONAL: dict[str, tuple[str, ...]] = {
    **{v: ("respondentid", "email", "name", "s_9") for v in VARIANTS
       if v.startswith(("surveyxact", "spss"))},
    "forms_da": ("Id", "Mail", "Navn", OTHER_QUESTIONS["comment"]["da"]),
    "forms_en": ("ID", "Email", "Name", OTHER_QUESTIONS["comment"]["en"]),
    "google_da": ("E-mailadresse", OTHER_QUESTIONS["comment"]["da"]),
    "google_en": (OTHER_QUESTIONS["comment"]["en"],),
}  # fmt: skip
"""Per export, the columns that identify a person or hold free text (never imported)."""

_FIRST = ("Anne", "Mette", "Kirsten", "Hanne", "Helle", "Louise", "Camilla", "Maria", "Sofie",
          "Ida", "Peter", "Jens", "Lars", "Michael", "Henrik", "Søren", "Thomas", "Mads",
          "Rasmus", "Jonas", "Ahmad", "Fatima", "Ali", "Zeynep")  # fmt: skip
_LAST = ("Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen",
         "Sørensen", "Rasmussen", "Jørgensen", "Madsen", "Kristensen", "Olsen", "Thomsen",
         "Poulsen", "Johansen", "Møller", "Mortensen", "Yilmaz", "Østergaard")  # fmt: skip
_COMMENTS = {
    "da": ("Det fungerer fint med de faste hjemmedage.",
           "Jeg savner kollegerne på de dage, hvor kontoret er tomt.",
           "Bedre skærme derhjemme ville hjælpe.",
           "Mødedagene er blevet mere intense, men også mere nyttige."),
    "en": ("The fixed home days work well.", "I miss my colleagues when the office is empty.",
           "Better screens at home would help.",
           "Meeting days have become busier, but also more useful."),
}  # fmt: skip
_DOMAIN = "arbejdsplads.example"


def _ascii(text: str) -> str:
    return text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")


def respondents(survey: pd.DataFrame, seed: int = 1) -> pd.DataFrame:
    """One row per respondent of an export: the survey's answer sets (``complete``) in
    their order, plus about 6 % who did not complete, placed among their wave.

    Columns: the survey's, ``complete``, ``status`` (1-5, see ``SX_STATUS``),
    ``dont_know`` (per question: a blank answer shown as "Ved ikke"), ``start``, ``close``
    (NaT unless completed), ``created``, ``name``, ``email``, ``respondentid``,
    ``comment`` (blank mostly).
    """
    rng = np.random.default_rng(np.random.SeedSequence([seed, 11]))
    base = survey.reset_index(drop=True).copy()
    n = len(base)
    base["complete"] = True
    base["status"] = 4
    base["_pos"] = np.arange(n, dtype=float)
    # Incomplete respondents: a copy of a random answer set of the same wave, then
    # answers cut after a few statements (started) or none at all (not started).
    k = max(2, round(0.06 * n))
    pick = np.sort(rng.choice(n, size=k, replace=False))
    extra = base.iloc[pick].copy()
    extra["complete"] = False
    started = rng.random(k) < 0.6
    extra["status"] = np.where(started, 2, 1)
    cut = rng.integers(0, len(QUESTIONS), size=k)
    for i, q in enumerate(QUESTIONS):
        extra[q] = extra[q].mask(~started | (i >= cut))
    for col in _NUMERIC:
        extra[col] = extra[col].astype("Int16").mask(np.ones(k, bool))
    extra["age_group"] = extra["age_group"].mask(np.ones(k, bool))
    extra["role"] = extra["role"].mask(~started)
    extra["_pos"] = pick + rng.uniform(0.05, 0.95, k)
    rows = pd.concat([base, extra], ignore_index=True).sort_values("_pos", kind="stable")
    rows = rows.drop(columns="_pos").reset_index(drop=True)
    m = len(rows)
    blank = rows[list(QUESTIONS)].isna().to_numpy()
    rows["dont_know"] = list(blank & (rng.random(blank.shape) < 0.5) & rows["complete"]
                             .to_numpy()[:, None])  # fmt: skip
    day = pd.to_datetime(rows["date"]).dt.normalize()
    close = day + pd.to_timedelta(rng.integers(8 * 3600, 16 * 3600, m), unit="s")
    start = close - pd.to_timedelta(rng.integers(90, 900, m), unit="s")
    rows["created"] = day - pd.Timedelta(days=2) + pd.Timedelta(hours=7)
    rows["start"] = start.where(rows["status"] != 1)
    rows["close"] = close.where(rows["complete"])
    first = rng.integers(0, len(_FIRST), m)
    last = rng.integers(0, len(_LAST), m)
    rows["name"] = [f"{_FIRST[a]} {_LAST[b]}" for a, b in zip(first, last, strict=True)]
    rows["email"] = [f"{_ascii(_FIRST[a])}.{_ascii(_LAST[b])}{i % 97}@{_DOMAIN}"
                     for i, (a, b) in enumerate(zip(first, last, strict=True))]  # fmt: skip
    rows["respondentid"] = 4_812_000 + np.arange(m) * 7 + rng.integers(0, 7, m)
    has = rows["complete"].to_numpy() & (rng.random(m) < 0.05)
    rows["comment"] = np.where(has, rng.integers(0, len(_COMMENTS["da"]), m), -1)
    return rows


def _answer_codes(rows: pd.DataFrame, q: str) -> pd.Series:
    """1-5 as asked (reversed items turned), 6 for "Ved ikke", NA for blank."""
    answer = rows[q].astype("Int16")
    if q in REVERSED:
        answer = 6 - answer
    dont_know = np.array([d[QUESTIONS.index(q)] for d in rows["dont_know"]], dtype=bool)
    return answer.mask(dont_know, DONT_KNOW_CODE)


def _unit_codes(rows: pd.DataFrame, units: list[str]) -> pd.Series:
    return (
        rows["unit"].astype(str).map({u: i for i, u in enumerate(units, start=1)}).astype("Int16")
    )


def surveyxact_frames(
    rows: pd.DataFrame, units: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """SurveyXact's dataset (one row per respondent, datetimes as datetimes), structure and
    labels (``variableName, value, valueLabel``)."""
    out: dict[str, object] = {
        "respondentid": rows["respondentid"].astype("int64"),
        "created": rows["created"],
        "modified": rows["close"].fillna(rows["start"]).fillna(rows["created"]),
        "starttime": rows["start"],
        "closetime": rows["close"],
        "difftime": (rows["close"] - rows["start"]).dt.total_seconds().astype("Int32"),
        "email": rows["email"],
        "name": rows["name"],
        "lang": "da",
        "s_1": _unit_codes(rows, units),
        "s_2": rows["role"].map({"employee": 1, "manager": 2}).astype("Int16"),
    }
    for q in QUESTIONS:
        out[_SX_VARIABLE[q]] = _answer_codes(rows, q)
    for col in _NUMERIC:
        out[_SX_VARIABLE[col]] = rows[col].astype("Int16")
    out["s_8"] = rows["age_group"].map({a: i for i, a in enumerate(AGE_GROUPS, 1)}).astype("Int16")
    out["s_9"] = [_COMMENTS["da"][c] if c >= 0 else "" for c in rows["comment"]]
    for i, col in enumerate(SX_STATUS, start=1):
        out[col] = (rows["status"] == i).astype("int8")
    dataset = pd.DataFrame(out)

    scale = [*SCALE_DA, DONT_KNOW["da"]]
    choices: dict[str, list[str]] = {
        "unit": units, "role": list(ROLE_LABELS["da"]), "age_group": list(AGE_GROUPS),
        **{q: scale for q in QUESTIONS},
    }  # fmt: skip
    structure, labels = [], []
    for col in ("unit", "role", *QUESTIONS, *_NUMERIC, "age_group", "comment"):
        var, qname = _SX_VARIABLE[col], _SX_QUESTION[col]
        text = STATEMENTS[col]["da"] if col in STATEMENTS else OTHER_QUESTIONS[col]["da"]
        if col in choices:
            kind = ("matrix", "single") if col in QUESTIONS else ("closed", "single")
            for value, label in enumerate(choices[col], start=1):
                structure.append((qname, var, *kind, text, value, label))
                labels.append((var, value, label))
        else:
            kind = ("open", "numeric") if col in _NUMERIC else ("open", "text")
            structure.append((qname, var, *kind, text, None, None))
    structure_frame = pd.DataFrame(
        structure,
        columns=["questionName", "variableName", "questionType", "subType", "questionText",
                 "choiceValue", "choiceText"],
    )  # fmt: skip
    structure_frame["choiceValue"] = structure_frame["choiceValue"].astype("Int16")
    labels_frame = pd.DataFrame(labels, columns=["variableName", "value", "valueLabel"])
    return dataset, structure_frame, labels_frame


def _fixed_xlsx(path: Path) -> None:
    """Give an XLSX fixed zip times and document dates, so the same data give the same
    bytes."""
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                import re

                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2026-10-01T00:00:00Z", data)
            info = zipfile.ZipInfo(item.filename, date_time=(2026, 10, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, data)
    path.write_bytes(buf.getvalue())


def _write_xlsx(path: Path, sheets: dict[str, tuple[pd.DataFrame, bool]]) -> None:
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, (frame, header) in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False, header=header)
    _fixed_xlsx(path)


def split_dataset(dataset: pd.DataFrame, sheet_columns: int) -> dict[str, pd.DataFrame]:
    """SurveyXact's split of a wide dataset: ``Dataset``, ``Dataset(1)``, ... each of at
    most ``sheet_columns`` columns, to be joined side by side."""
    parts = {}
    for i, lo in enumerate(range(0, dataset.shape[1], sheet_columns)):
        parts["Dataset" if i == 0 else f"Dataset({i})"] = dataset.iloc[:, lo : lo + sheet_columns]
    return parts


def _sx_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Datetimes as SurveyXact writes them in CSV: ``15-01-2026 10:23:45``."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%d-%m-%Y %H:%M:%S").fillna("")
    return out


def _write_csv(path: Path, frame: pd.DataFrame, sep: str, encoding: str, header: bool) -> None:
    text = frame.to_csv(sep=sep, index=False, header=header, lineterminator="\r\n",
                        quoting=csv.QUOTE_MINIMAL)  # fmt: skip
    path.write_bytes(text.encode(encoding))


def _labels(rows: pd.DataFrame, q: str, lang: str) -> pd.Series:
    scale = SCALE_DA if lang == "da" else SCALE_EN
    codes = _answer_codes(rows, q)
    labels = {i: s for i, s in enumerate(scale, start=1)} | {DONT_KNOW_CODE: DONT_KNOW[lang]}
    return codes.map(labels).astype(object).where(codes.notna(), None)


def _answers_as_text(rows: pd.DataFrame, variant: str, lang: str) -> dict[str, object]:
    """The question columns of Forms and Google Forms: answers as label text."""
    out: dict[str, object] = {
        COLUMNS[variant]["unit"]: rows["unit"].astype(str),
        COLUMNS[variant]["role"]: rows["role"].map(
            dict(zip(("employee", "manager"), ROLE_LABELS[lang], strict=True))
        ),
    }
    for q in QUESTIONS:
        out[COLUMNS[variant][q]] = _labels(rows, q, lang)
    for col in _NUMERIC:
        out[COLUMNS[variant][col]] = rows[col].astype("Int16")
    out[COLUMNS[variant]["age_group"]] = rows["age_group"].astype(str)
    out[OTHER_QUESTIONS["comment"][lang]] = [
        _COMMENTS[lang][c] if c >= 0 else None for c in rows["comment"]
    ]
    return out


def forms_frame(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Microsoft Forms' export (completed answers only: Forms keeps nothing else)."""
    done = rows[rows["complete"]].reset_index(drop=True)
    system = _FORMS_SYSTEM[lang]
    out: dict[str, object] = {system[0]: np.arange(1, len(done) + 1),
                              system[1]: done["start"], system[2]: done["close"]}  # fmt: skip
    if lang == "en":  # an anonymous form: no names, "anonymous" as e-mail
        out[system[3]] = "anonymous"
        out[system[4]] = None
        out[system[5]] = done["close"]
    else:
        out[system[3]] = done["email"]
        out[system[4]] = done["name"]
    out.update(_answers_as_text(done, f"forms_{lang}", lang))
    return pd.DataFrame(out)


def _google_time(ts: pd.Series, lang: str) -> pd.Series:
    if lang == "en":  # 2026/01/15 2:05:11 PM GMT+1
        hour = (ts.dt.hour % 12).replace(0, 12).astype(str)
        ampm = np.where(ts.dt.hour < 12, "AM", "PM")
        return ts.dt.strftime("%Y/%m/%d ") + hour + ts.dt.strftime(":%M:%S ") + ampm + " GMT+1"
    return ts.dt.strftime("%d/%m/%Y %H.%M.%S")  # 15/01/2026 14.05.11


def google_frame(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Google Forms' CSV (completed answers only); the Danish form collects e-mails."""
    done = rows[rows["complete"]].reset_index(drop=True)
    out: dict[str, object] = {
        ("Timestamp" if lang == "en" else "Tidsstempel"): _google_time(done["close"], lang)
    }
    if lang == "da":
        out["E-mailadresse"] = done["email"]
    out.update(_answers_as_text(done, f"google_{lang}", lang))
    return pd.DataFrame(out)


def _write_sav(path: Path, dataset: pd.DataFrame, structure: pd.DataFrame,
               labels: pd.DataFrame) -> None:  # fmt: skip
    import pyreadstat

    frame = dataset.copy()
    for col in frame.columns:
        if col != "respondentid" and pd.api.types.is_integer_dtype(frame[col].dtype):
            frame[col] = frame[col].astype("float64")  # SPSS numbers; blanks are sysmis
        elif frame[col].dtype == object:
            frame[col] = frame[col].fillna("").astype(str)
    texts = dict(zip(structure["variableName"], structure["questionText"], strict=False))
    system = {"respondentid": "Respondent-id", "created": "Oprettet", "modified": "Ændret",
              "starttime": "Starttidspunkt", "closetime": "Sluttidspunkt",
              "difftime": "Svartid (sekunder)", "email": "E-mail", "name": "Navn",
              "lang": "Sprog"}  # fmt: skip
    column_labels = [texts.get(c) or system.get(c) or c for c in frame.columns]
    value_labels: dict[str, dict[float, str]] = {}
    for var, value, label in labels.itertuples(index=False):
        value_labels.setdefault(var, {})[float(value)] = label
    for col in SX_STATUS:
        value_labels[col] = {0.0: "Nej", 1.0: "Ja"}
    pyreadstat.write_sav(frame, str(path), column_labels=column_labels,
                         variable_value_labels=value_labels, row_compress=True)  # fmt: skip


COMMITTED: tuple[str, ...] = ("surveyxact_xlsx", "surveyxact_csv_cp1252", "spss", "forms_da",
                              "forms_en", "google_da")  # fmt: skip
"""The exports kept in ``data/examples/exports`` (the others are written on demand, to
keep the repository small)."""


def write_exports(
    survey: pd.DataFrame, units: list[str], out_dir: str | Path, *, seed: int = 1,
    sheet_columns: int = 20, variants: tuple[str, ...] = VARIANTS,
) -> list[Path]:  # fmt: skip
    """Write the exports ``variants`` (default all) into ``out_dir``; the paths written
    (a CSV export's three files each). ``units``: the unit names, in the order of their
    codes (the unit question's choices 1, 2, ...)."""
    unknown = set(variants) - set(VARIANTS)
    if unknown:
        raise ValueError(f"unknown export {sorted(unknown)[0]!r}; choose from {VARIANTS}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = respondents(survey, seed)
    dataset, structure, labels = surveyxact_frames(rows, units)
    paths: list[Path] = []

    path = out / PATHS["surveyxact_xlsx"]
    if "surveyxact_xlsx" in variants:
        sheets = {n: (part, True) for n, part in split_dataset(dataset, sheet_columns).items()}
        sheets["Structure"] = (structure, True)
        sheets["Labels"] = (labels, False)
        _write_xlsx(path, sheets)
        paths.append(path)

    text = _sx_text(dataset)
    for variant, (sep, encoding) in CSV_DIALECTS.items():
        if variant not in variants:
            continue
        folder = out / PATHS[variant]
        folder.mkdir(exist_ok=True)
        for name, frame, header in (("dataset", text, True), ("structure", structure, True),
                                    ("labels", labels, False)):  # fmt: skip
            _write_csv(folder / f"{name}.csv", frame, sep, encoding, header)
            paths.append(folder / f"{name}.csv")

    path = out / PATHS["spss"]
    if "spss" in variants:
        _write_sav(path, dataset, structure, labels)
        paths.append(path)

    for lang in ("da", "en"):
        path = out / PATHS[f"forms_{lang}"]
        if f"forms_{lang}" in variants:
            _write_xlsx(path, {"Sheet1": (forms_frame(rows, lang), True)})
            paths.append(path)
    for lang in ("da", "en"):
        path = out / PATHS[f"google_{lang}"]
        if f"google_{lang}" not in variants:
            continue
        google_frame(rows, lang).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        paths.append(path)
    return paths
