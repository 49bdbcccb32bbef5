"""Shared fixtures: a store in a temporary folder and a session on it."""

from __future__ import annotations

import pytest

from hjemmekit.session import Session
from hjemmekit.store import WorkbookStore


@pytest.fixture
def store(tmp_path) -> WorkbookStore:
    return WorkbookStore(tmp_path / "store")


@pytest.fixture
def session(store) -> Session:
    """A session that saves at once (no delayed autosave outside an event loop)."""
    return Session(store, store.create(title="Test", organisation="Styrelsen"), autosave_delay=0)
