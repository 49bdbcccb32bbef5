"""The example exports (``hjemmekit.example_exports``, ``data/examples/exports``) import
back to the small example's survey: for every tool and variant the evaluation JSON equals
the original's, and no personal data reaches any file written."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path

import pytest

from hjemmekit import example_exports as ee
from hjemmekit import examples
from hjemmekit.cli import main
from hjemmekit.exports import read_export, suggest_profile, undecided

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "data" / "examples" / "small"
KEPT = ROOT / "data" / "examples" / "exports"
PERIODS = ["--baseline", "2026-01:2026-03", "--trial", "2026-04:2026-09", "--json"]


def _run(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every variant: the kept ones from data/examples/exports, the others written."""
    folder = tmp_path_factory.mktemp("exports")
    frames = examples.generate("small", 1)
    ee.write_exports(frames["survey"], list(frames["units"]["unit"]), folder)
    return folder


@pytest.fixture(scope="module")
def original() -> dict:
    code, out, err = _run(["evaluate", str(SMALL), *PERIODS])
    assert code == 0, err
    return json.loads(out)


def _sources(folder: Path, variant: str) -> list[str]:
    path = folder / ee.PATHS[variant]
    if not path.exists() and (KEPT / ee.PATHS[variant]).exists():
        path = KEPT / ee.PATHS[variant]
    return [str(p) for p in sorted(path.iterdir())] if path.is_dir() else [str(path)]


def _personal_values() -> list[str]:
    """Names, e-mails and comments planted in the exports."""
    rows = ee.respondents(examples.generate("small", 1)["survey"])
    found = ["arbejdsplads.example", *ee._COMMENTS["da"], *ee._COMMENTS["en"]]
    for c in ("name", "email"):
        found += [str(x) for x in rows[c].dropna().unique()[:50] if str(x).strip()]
    return found


@pytest.mark.parametrize("variant", ee.VARIANTS)
def test_example_export_imports_to_the_same_evaluation(
    exports: Path, original: dict, tmp_path: Path, variant: str,
) -> None:
    sources = _sources(exports, variant)
    export = read_export(sources)
    profile = suggest_profile(export)
    assert undecided(export, profile) == []
    columns = ee.COLUMNS[variant]
    # What was suggested is the mapping the exports were made with.
    assert profile.unit == columns["unit"] and profile.role == columns["role"]
    assert profile.questions == [columns[q] for q in examples.QUESTIONS]
    assert profile.home_days_wanted == columns["home_days_wanted"]
    assert profile.date == ee.DATE_COLUMNS[variant]
    assert set(export.dropped) >= set(ee.PERSONAL[variant])
    # Named as in the original, workload turned round (it is asked the other way).
    profile.names = {v: k for k, v in columns.items() if k not in ("unit", "role")}
    profile.reversed = [columns[q] for q in ee.REVERSED]
    saved = tmp_path / "profile.json"
    saved.write_text(profile.model_dump_json())
    folder = tmp_path / "data"
    shutil.copytree(SMALL, folder)
    out = folder / "survey.csv"
    code, stdout, err = _run(["import", *sources, "-o", str(out), "--profile", str(saved),
                              "--save-profile", str(tmp_path / "again.json")])
    assert code == 0, err
    assert "personal data and free text dropped" in stdout
    code, evaluated, err = _run(["evaluate", str(folder), *PERIODS])
    assert code == 0, err
    assert json.loads(evaluated) == original
    planted = _personal_values()
    assert planted
    for path in (out, saved, tmp_path / "again.json"):
        text = path.read_text(encoding="utf-8")
        for value in planted:
            assert value not in text, (path.name, value)


def test_surveyxact_by_question_text_on_the_command_line(exports: Path, tmp_path: Path) -> None:
    """A COLUMN may be a variable name or a question text."""
    sources = _sources(exports, "surveyxact_csv_cp1252")
    out = tmp_path / "survey.csv"
    code, stdout, err = _run(["import", *sources, "-o", str(out), "--unit",
                              "Hvilken enhed er du ansat i?", "--role", "s_2", "--manager",
                              "Leder"])
    assert code == 0, err
    assert "left out as not completed: 25" in stdout
    assert _run(["validate", str(out), "--kind", "survey"])[0] == 0
