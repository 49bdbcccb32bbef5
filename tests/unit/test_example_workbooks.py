"""The committed example workbooks: in step with the code, valid, never changed by use."""

from __future__ import annotations

import csv

import pytest

from hjemmekit import progress
from hjemmekit.example_workbooks import BUILDERS
from hjemmekit.model import load_workbook
from hjemmekit.notebook import open_example
from hjemmekit.session import example_workbooks, examples_dir, start_session


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_committed_file_matches_the_builder(name):
    """Regenerate with `python -m hjemmekit.example_workbooks` after a change."""
    path = example_workbooks()[name]
    assert load_workbook(path.read_text(encoding="utf-8")) == BUILDERS[name]()


def test_stages_fill_the_expected_steps():
    started = progress.missing(BUILDERS["mellemstor-startet"]())
    assert started["context"] == [] and started["goals"]
    decided = progress.missing(BUILDERS["mellemstor-besluttet"]())
    assert all(not decided[s] for s in ("context", "goals", "suitability", "arrangement"))
    evaluated = BUILDERS["mellemstor-evalueret"]()
    assert evaluated.trial.conclusions and len(evaluated.decisions) == 3


def test_trial_units_exist_in_the_example_data():
    with (examples_dir() / "medium" / "units.csv").open(encoding="utf-8") as f:
        units = {row["unit"] for row in csv.DictReader(f)}
    trial = BUILDERS["mellemstor-besluttet"]().trial
    assert trial.trial_units and set(trial.trial_units) <= units
    assert trial.comparison_units and set(trial.comparison_units) <= units


def test_opening_an_example_works_on_a_copy(tmp_path):
    path = example_workbooks()["mellemstor-besluttet"]
    before = path.read_bytes()
    session = open_example("mellemstor-besluttet", tmp_path)
    session.edit(lambda wb: setattr(wb, "title", "Min kopi"))
    assert path.read_bytes() == before
    assert session.workbook.id != "eksempel-mellemstor-besluttet"
    again = start_session(tmp_path / "other", example="mellemstor-besluttet", autosave_delay=0)
    assert again.workbook.title.startswith("Hjemmearbejde i Styrelsen")
    with pytest.raises(ValueError, match="no example workbook"):
        open_example("findes-ikke", tmp_path)
