"""The app's import of survey-tool exports into a workbook (plain Python, no widgets).

Step 5's upload hands its files here first: :func:`split_uploads` tells the exports of
SurveyXact, Microsoft Forms, SPSS and Google Forms (SurveyXact's ``dataset``,
``structure`` and ``labels`` CSV files together make one) from hjemmekit's own data
files. An export is read with :func:`hjemmekit.exports.read_export`; the mapping step
edits an :class:`~hjemmekit.model.ImportProfile`; :func:`import_export` applies it,
writes the survey file into the workbook's data folder through
:func:`hjemmekit.trialdata.add_file` (validated like any upload) and :func:`save_profile`
keeps the profile in the workbook, so that :func:`saved_profile` finds it for the next
wave of the same survey.

Names, e-mails, respondent ids and free text never get this far: the reader drops them.
pandas and the readers are imported when first needed.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from hjemmekit.i18n import t

if TYPE_CHECKING:
    import pandas as pd

    from hjemmekit.exports import Export, ImportResult
    from hjemmekit.model import ImportProfile, Workbook
    from hjemmekit.store import GuardedStore
    from hjemmekit.trialdata import Upload

__all__ = [
    "EXPORT_EXTENSIONS",
    "Existing",
    "Imported",
    "data_folder",
    "existing_survey",
    "import_export",
    "merge_surveys",
    "problem_lines",
    "profile_fits",
    "save_profile",
    "saved_profile",
    "split_uploads",
    "survey_bytes",
]

EXPORT_EXTENSIONS = (".csv", ".xlsx", ".sav", ".zsav")
"""The kinds of file an export may be."""
_SURVEYXACT_CSV = ("dataset", "structure", "labels")
Merge = Literal["add", "replace"]
Files = list[tuple[str, bytes]]


def _stem(name: str) -> str:
    return Path(name).name.rsplit(".", 1)[0].strip().casefold()


def split_uploads(files: Sequence[tuple[str, bytes]]) -> tuple[list[Files], Files]:
    """Uploaded files as ``(exports, own files)``: each export a list of its files.

    SurveyXact's ``dataset.csv``, ``structure.csv`` and ``labels.csv`` (also with a
    prefix, e.g. ``pulse_dataset.csv``) make one export; an SPSS file is an export; any
    other CSV or XLSX file is an export when its content is that of a known tool
    (``hjemmekit.exports.read.detect_tool``), else one of hjemmekit's own data files.
    """
    from hjemmekit.exports.base import Source
    from hjemmekit.exports.read import detect_tool

    exports: list[Files] = []
    own: Files = []
    trio: dict[str, tuple[str, bytes]] = {}
    rest: Files = []
    for name, data in files:
        stem, suffix = _stem(name), Path(name).suffix.casefold()
        part = next((p for p in _SURVEYXACT_CSV if stem == p or stem.endswith(("_" + p,
                                                                               "-" + p))),
                    None)  # fmt: skip
        if suffix == ".csv" and part is not None and part not in trio:
            trio[part] = (name, data)
        else:
            rest.append((name, data))
    if "dataset" in trio and len(trio) > 1:
        exports.append([trio[p] for p in _SURVEYXACT_CSV if p in trio])
    else:
        rest = list(trio.values()) + rest
    for name, data in rest:
        suffix = Path(name).suffix.casefold()
        if suffix in (".sav", ".zsav"):
            exports.append([(name, data)])
            continue
        try:
            tool = detect_tool([Source(name, data)]) if suffix in (".csv", ".xlsx") else None
        except Exception:  # noqa: BLE001 - unreadable: the own-file path reports it
            tool = None
        if tool is not None:
            exports.append([(name, data)])
        else:
            own.append((name, data))
    return exports, own


# --- Profiles in the workbook ------------------------------------------------------------


def profile_fits(profile: ImportProfile, export: Export) -> bool:
    """Whether a saved profile is for this export: the same tool, and every column it
    names (unit, role, questions, home days, date) is in the export."""
    if profile.tool is not None and profile.tool != export.tool:
        return False
    keys = {c.key for c in export.columns if c.key in export.data.columns}
    named = [profile.unit, profile.role, profile.date, profile.home_days_wanted,
             profile.home_days_actual, *profile.questions]  # fmt: skip
    named = [k for k in named if k is not None]
    return bool(profile.unit and profile.questions or profile.home_days_wanted) and all(
        k in keys for k in named
    )


def saved_profile(wb: Workbook, export: Export) -> ImportProfile | None:
    """The workbook's newest saved profile that fits ``export`` (None when none does)."""
    for profile in reversed(wb.trial.import_profiles):
        if profile_fits(profile, export):
            return profile.model_copy(deep=True)
    return None


def save_profile(wb: Workbook, profile: ImportProfile) -> None:
    """Keep ``profile`` in the workbook (replacing one with the same id), newest last."""
    kept = [p for p in wb.trial.import_profiles if p.id != profile.id]
    wb.trial.import_profiles = [*kept, profile.model_copy(deep=True)]


def profile_name(export: Export, lang: str) -> str:
    names = ", ".join(Path(s).name for s in export.sources)
    return t("mapping.profile_name", lang, tool=t(f"mapping.tool_{export.tool}", lang),
             names=names)[:200]  # fmt: skip


# --- The survey file -----------------------------------------------------------------------


@dataclass(frozen=True)
class Existing:
    """The survey file a workbook already has: rows and first and last date."""

    rows: int
    first: date | None
    last: date | None


def _survey_path(folder: Path) -> Path | None:
    from hjemmekit.trialdata import _data_files

    return _data_files(folder).get("survey")


def existing_survey(folder: Path | None) -> Existing | None:
    """The workbook's own survey file in a few figures, None when it has none (or it
    cannot be read)."""
    if folder is None:
        return None
    path = _survey_path(folder)
    if path is None:
        return None
    from hjemmekit.io import validate_file
    from hjemmekit.trialdata import summarize

    frame, report = validate_file(path, "survey")
    if frame is None or report:
        return None
    s = summarize(frame, "survey", path.name)
    return Existing(s.rows, s.first, s.last)


def merge_surveys(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """The old survey's rows outside the new one's dates, then the new rows: the next
    wave is added, and a wave imported again replaces itself."""
    import pandas as pd

    days = pd.to_datetime(new["date"]).dt.normalize()
    old_days = pd.to_datetime(old["date"]).dt.normalize()
    keep = old.loc[~old_days.isin(set(days.dropna()))].copy()
    keep["date"] = old_days[keep.index]
    out = pd.concat([keep, new.assign(date=days)], ignore_index=True, sort=False)
    columns = list(dict.fromkeys([*new.columns, *old.columns]))
    out = out[columns]
    for c in columns:  # text columns of the two files (categories differ) as text again
        if c != "date" and not pd.api.types.is_numeric_dtype(out[c].dtype):
            out[c] = out[c].astype("string").astype("category")
    return out


def survey_bytes(frame: pd.DataFrame) -> bytes:
    """A survey frame as the CSV ``hjemmekit.exports.write_survey`` writes."""
    from hjemmekit.exports import write_survey

    fd, name = tempfile.mkstemp(suffix=".csv", prefix="hk-import-")
    os.close(fd)
    try:
        write_survey(frame, name)
        return Path(name).read_bytes()
    finally:
        Path(name).unlink(missing_ok=True)


def problem_lines(result: ImportResult, lang: str = "da") -> list[str]:
    """The problems of applying a profile, one line each with file, row and column, in
    the app's words where the command's would name its options (``--unit``...)."""
    from hjemmekit.i18n import has
    from hjemmekit.io import Problem, ValidationReport

    problems = []
    for p in result.problems:
        key = f"mapping.problem_{p.key}"
        if p.key and has(key, lang):
            p = Problem(p.file, p.line, p.column, t(key, lang, **p.params), p.order)
        problems.append(p)
    return ValidationReport(problems, result.omitted).lines(lang)


@dataclass
class Imported:
    """What :func:`import_export` did: the result of the mapping, the upload of the
    survey file (None when the mapping had problems) and the lines to show."""

    result: ImportResult
    upload: Upload | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.upload is not None and self.upload.ok


def import_export(
    dest: Path | tuple[GuardedStore, str], export: Export, profile: ImportProfile, *,
    merge: Merge = "add", lang: str = "da",
) -> Imported:  # fmt: skip
    """Apply ``profile`` and store the survey file (``survey.csv``) in ``dest``: a folder,
    or ``(store, workbook_id)`` for a workbook's data in the store (through
    :func:`hjemmekit.trialdata.add_file_to`, which needs edit access).

    With ``merge="add"`` and a survey file already there, its rows of other dates are
    kept (:func:`merge_surveys`). Nothing is written when the mapping has problems
    (every one, with row and column, in ``lang``) or the survey file does not validate.
    """
    from hjemmekit.exports import apply_profile
    from hjemmekit.trialdata import add_file, add_file_to

    result = apply_profile(export, profile)
    if result.problems:
        return Imported(result, problems=problem_lines(result, lang))
    frame = result.frame
    if merge == "add":
        path = _survey_path(data_folder(dest))
        if path is not None:
            from hjemmekit.io import validate_file

            old, report = validate_file(path, "survey")
            if old is not None and not report:
                frame = merge_surveys(old, frame)
    shown = ", ".join(Path(n).name for n in export.sources)[:200]
    content = survey_bytes(frame)
    if isinstance(dest, tuple):
        store, workbook_id = dest
        upload = add_file_to(store, workbook_id, "survey.csv", content, lang, shown_as=shown)
    else:
        upload = add_file(dest, "survey.csv", content, lang, shown_as=shown)
    return Imported(result, upload, list(upload.problems))


def data_folder(dest: Path | tuple[GuardedStore, str]) -> Path:
    """The folder the data files of ``dest`` are in."""
    if isinstance(dest, tuple):
        store, workbook_id = dest
        return Path(store.data_dir(workbook_id))
    return Path(dest)
