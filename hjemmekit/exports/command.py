"""``hjemmekit import SOURCE... -o survey.csv [--unit COLUMN] [--role COLUMN --manager
VALUE] [--date COLUMN] [--scale NAME|FILE] [--profile FILE] [--save-profile FILE]``.

Exit 0: the survey file is written, and the command says how many respondents were kept,
how many left out as not completed, and which personal columns were dropped. Exit 1: the
export is broken or something cannot be decided (one line per problem, naming file, row
and column, or the candidate columns); nothing is written. Exit 2: wrong usage.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import date
from pathlib import Path
from typing import IO

__all__ = ["import_command"]


def _fail(lines: list[str], err: IO[str]) -> int:
    for line in lines:
        print(line, file=err)
    return 1


def import_command(
    sources: list[str], output: str, *, unit: str | None = None, role: str | None = None,
    managers: list[str] | None = None, date_column: str | None = None,
    scale: str | None = None, profile_file: str | None = None,
    save_profile: str | None = None, out: IO[str] | None = None, err: IO[str] | None = None,
) -> int:
    from pydantic import ValidationError

    from hjemmekit.exports.apply import apply_profile, write_survey
    from hjemmekit.exports.base import ExportError
    from hjemmekit.exports.profile import suggest_profile, undecided
    from hjemmekit.exports.read import read_export
    from hjemmekit.exports.scales import SCALES, ScaleError, read_scale_file
    from hjemmekit.model import ImportProfile

    out = out or sys.stdout
    err = err or sys.stderr
    if managers and role is None and profile_file is None:
        print("hjemmekit import: --manager needs --role COLUMN", file=err)
        return 2
    base: ImportProfile | None = None
    if profile_file is not None:
        try:
            doc = json.loads(Path(profile_file).read_text(encoding="utf-8"))
            base = ImportProfile.model_validate(doc.get("profile", doc) if isinstance(
                doc, dict) else doc)
        except OSError as e:
            return _fail([f"{profile_file}: {e.strerror or e}"], err)
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            return _fail([f"{profile_file}: not valid JSON: {e}"], err)
        except ValidationError as e:
            from hjemmekit.model import format_validation_error

            return _fail([f"{profile_file}: {line}" for line in
                          format_validation_error(e).splitlines()], err)
    try:
        export = read_export(sources)
    except ExportError as e:
        return _fail(e.lines(), err)
    profile = (base or ImportProfile()).model_copy(deep=True)
    problems: list[str] = []

    def column(name: str, what: str) -> str | None:
        col = export.find(name)
        if col is None:
            known = ", ".join(f"'{c.key}'" for c in export.columns if c.kind not in (
                "personal", "text"))
            problems.append(f"{export.file}: --{what} '{name}': no such column (a header"
                            + (", variable name or question text" if export.tool in (
                                "surveyxact", "spss") else "") + f"); columns: {known}")
            return None
        if col.kind in ("personal", "text"):
            problems.append(f"{export.file}: --{what} '{name}': holds personal data or free "
                            "text and is not imported")
            return None
        return col.key

    if scale is not None:
        if scale in SCALES or scale == "auto":
            profile.scale_name = scale
        else:
            try:
                profile.scale = {**profile.scale, **read_scale_file(scale)}
            except ScaleError as e:
                return _fail([str(e)], err)
    if unit is not None:
        profile.unit = column(unit, "unit")
    if role is not None:
        profile.role = column(role, "role")
        profile.managers = []
    if managers:
        profile.managers = list(managers)
    if date_column is not None:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date_column.strip()):
            try:
                profile.date_value = date.fromisoformat(date_column.strip())
            except ValueError:
                problems.append(f"--date '{date_column}': not a date")
            profile.date = None
        else:
            profile.date = column(date_column, "date")
            profile.date_value = None
    if problems:
        return _fail(problems, err)
    profile = suggest_profile(export, profile)
    if managers and profile.role is not None:
        answers = {a.casefold() for a in export.column(profile.role).label_list()}
        wrong = [m for m in managers if m.casefold() not in answers]
        if wrong:
            shown = ", ".join(f"'{a}'" for a in export.column(profile.role).label_list())
            return _fail([f"{export.file}: --manager '{m}': no such answer in the role column "
                          f"'{profile.role}'; answers: {shown}" for m in wrong], err)
    open_ = undecided(export, profile)
    if open_:
        return _fail([f"{export.file}: {u.text('en')}" for u in open_], err)
    result = apply_profile(export, profile)
    if not result.ok:
        return _fail(result.lines("en"), err)
    try:
        write_survey(result.frame, output)
    except OSError as e:
        return _fail([f"{output}: {e.strerror or e}"], err)
    if save_profile is not None:
        try:
            Path(save_profile).write_text(profile.model_dump_json(indent=2) + "\n",
                                          encoding="utf-8")
        except OSError as e:
            return _fail([f"{save_profile}: {e.strerror or e}"], err)
    tools = {"surveyxact": "SurveyXact", "forms": "Microsoft Forms", "spss": "SPSS",
             "google": "Google Forms"}
    print(f"{output}: {result.kept:,} answer sets from {tools[export.tool]} "
          f"({len(result.questions)} questions)", file=out)
    print(f"  left out as not completed: {result.not_completed:,}", file=out)
    reasons = {"no_unit": "no unit", "no_role": "no role", "no_date": "no date"}
    for key, count in result.left_out.items():
        print(f"  left out, {reasons.get(key, key)}: {count:,}", file=out)
    dropped = ", ".join(export.dropped) if export.dropped else "none"
    print(f"  personal data and free text dropped (not stored): {dropped}", file=out)
    print(f"  unit: {profile.unit}; role: {profile.role or '(everyone employee)'}"
          + (f" (manager: {', '.join(profile.managers)})" if profile.role else "")
          + f"; date: {profile.date or profile.date_value} ({profile.waves})", file=out)
    if save_profile is not None:
        print(f"  profile saved to {save_profile}", file=out)
    return 0
