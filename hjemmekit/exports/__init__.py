"""Importing survey-tool exports: SurveyXact, Microsoft Forms, SPSS .sav, Google Forms.

The API (plain Python; the app's mapping step and ``hjemmekit import`` use it)::

    from hjemmekit.exports import read_export, suggest_profile, undecided, apply_profile

    export = read_export(["dataset.csv", "structure.csv", "labels.csv"])  # or one file,
    # or (filename, bytes) pairs from an upload
    profile = suggest_profile(export)          # an ImportProfile (hjemmekit.model)
    for u in undecided(export, profile):       # what cannot be decided
        print(u.field, [c.key for c in u.candidates], u.text("da"))
    profile.unit = "enhed"                     # columns by key (Column.key)
    result = apply_profile(export, profile)    # ImportResult
    result.frame                               # the survey frame (date, unit, role, ...)
    result.lines("da")                         # problem lines, one per problem
    write_survey(result.frame, "survey.csv")

- :func:`read_export(sources) <read_export>` -> :class:`Export`: ``tool``
  (surveyxact | forms | spss | google), ``columns`` (:class:`Column`: ``key``,
  ``header``, ``variable``, ``text`` (question text), ``labels`` (code -> label, where
  the export has them), ``answers`` (label texts found), ``kind``: personal, system,
  status, datetime, closed, numeric or text), ``data`` (a frame of the kept columns
  by key), ``rows``, ``completed`` (bool per row), ``not_completed``, ``dropped``
  (headers of the personal and free-text columns: never kept, never written).
  ``Export.find(name)`` finds a column by header, variable name or question text.
  Raises :class:`ExportError` (``.problems``, ``.lines(lang)``) for a broken export.
- :class:`~hjemmekit.model.ImportProfile` (pydantic, saved in the workbook as
  ``trial.import_profiles``): tool, date (None: completion time) or date_value, waves
  (day | month | export), unit, role + managers, questions, names (output column
  names), home_days_wanted, home_days_actual, background, scale_name, scale (label ->
  score, None for missing), reversed, missing (labels).
- :func:`suggest_profile(export) <suggest_profile>` -> ImportProfile;
  :func:`undecided(export, profile) <undecided>` -> list of :class:`Undecided`
  (``field``: unit | role | managers | date | questions, ``candidates``: columns,
  ``answers``: for managers, ``text(lang)``).
- :func:`apply_profile(export, profile) <apply_profile>` -> :class:`ImportResult`
  (``frame``, ``problems``, ``lines(lang)``, ``kept``, ``not_completed``,
  ``left_out``, ``dropped``, ``questions``, ``background``);
  :func:`preview(export, profile, rows=5) <preview>` -> the first rows of the frame;
  :func:`scale_table(export, profile) <scale_table>` -> list of :class:`LabelScore`
  (``label``, ``score``, ``known``, ``columns``, ``count``) for the UI.
- :mod:`hjemmekit.exports.scales`: the built-in scales (``SCALES``), missing labels,
  scale files.

Importing this package is light: the readers (pandas, openpyxl, pyarrow, pyreadstat)
load on first use.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "Column",
    "Export",
    "ExportError",
    "ImportProfile",
    "ImportResult",
    "LabelScore",
    "Undecided",
    "apply_profile",
    "preview",
    "read_export",
    "scale_table",
    "suggest_profile",
    "undecided",
    "write_survey",
]

_WHERE = {
    "Column": "base", "Export": "base", "ExportError": "base", "read_export": "read",
    "ImportResult": "apply", "LabelScore": "apply", "apply_profile": "apply",
    "preview": "apply", "scale_table": "apply", "write_survey": "apply",
    "Undecided": "profile", "suggest_profile": "profile", "undecided": "profile",
}  # fmt: skip


def __getattr__(name: str) -> Any:
    if name == "ImportProfile":
        from hjemmekit.model import ImportProfile

        return ImportProfile
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(f"hjemmekit.exports.{_WHERE[name]}"), name)
    raise AttributeError(name)
