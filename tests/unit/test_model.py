"""The workbook document: defaults, validation, migration, JSON schema file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hjemmekit import model
from hjemmekit.model import (
    CONTEXT_FACTORS,
    SCHEMA_VERSION,
    SUITABILITY_QUESTIONS,
    Case,
    DocumentError,
    Workbook,
    load_workbook,
)

SCHEMA_FILE = Path(model.__file__).with_name("workbook.schema.json")


def test_new_workbook_has_every_step_with_the_guidance_choices():
    wb = Workbook(title="Forsøg")
    assert wb.schema_version == SCHEMA_VERSION
    assert list(wb.context.factors) == list(CONTEXT_FACTORS)
    assert wb.trial.privacy.min_answers == 5 and wb.trial.privacy.min_fte == 10
    case = Case(name="Sagsbehandling")
    assert list(case.answers) == list(SUITABILITY_QUESTIONS) and len(case.answers) == 8


def test_round_trip_through_json_keeps_everything():
    wb = Workbook(title="Forsøg", organisation="Styrelsen for X")
    wb.context.factors["relocated"].selected = True
    wb.context.statement = "<script>alert(1)</script> og æøå"
    wb.suitability.cases.append(Case(name="Jura", kind="unit"))
    again = load_workbook(wb.to_json())
    assert again == wb
    assert again.context.statement.startswith("<script>")


def test_unknown_newer_version_is_refused_with_a_clear_message():
    doc = json.loads(Workbook().to_json())
    doc["schema_version"] = SCHEMA_VERSION + 1
    with pytest.raises(DocumentError, match="newer than this hjemmekit"):
        load_workbook(doc)


def test_version_0_document_is_migrated():
    doc = {"title": "Gammel", "organisation": "Org", "decision_log": [
        {"date": "2026-03-31", "decision": "Forsøg med to hjemmedage", "by": "Direktionen"}]}
    wb = load_workbook(doc)
    assert wb.schema_version == SCHEMA_VERSION
    assert wb.decisions[0].decision == "Forsøg med to hjemmedage"
    assert wb.id


def test_invalid_document_names_the_field():
    doc = json.loads(Workbook().to_json())
    doc["context"]["factors"]["moved_to_mars"] = {"selected": True, "note": ""}
    with pytest.raises(DocumentError, match="context.factors"):
        load_workbook(doc)
    with pytest.raises(DocumentError, match="not valid JSON"):
        load_workbook("{not json")


def test_duplicate_case_names_are_refused():
    wb = Workbook()
    with pytest.raises(ValueError, match="two cases"):
        wb.suitability.cases = [Case(name="Jura"), Case(name=" jura ")]


def test_too_long_text_is_refused():
    wb = Workbook()
    with pytest.raises(ValueError, match="longer than"):
        wb.context.notes = "x" * (model.MAX_TEXT + 1)


def test_schema_file_is_in_step_with_the_models():
    """Regenerate with `python -m hjemmekit.model` after changing the models."""
    committed = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert committed == model.json_schema()
