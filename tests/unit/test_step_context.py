"""Step 1 view without a browser."""

from __future__ import annotations

import ipywidgets as W

from hjemmekit.i18n import t
from hjemmekit.widgets.context import ContextView


def _by_description(view, cls, text):
    stack, out = [view], []
    while stack:
        w = stack.pop()
        if isinstance(w, cls) and w.description == text:
            out.append(w)
        stack.extend(getattr(w, "children", ()))
    assert out, f"no {cls.__name__} labelled {text!r}"
    return out[0]


def test_factors_notes_and_statement_are_saved(session, store):
    view = ContextView(session)
    _by_description(view, W.Checkbox, t("context.factor_relocated")).value = True
    note_label = t("context.factor_note", factor=t("context.factor_relocated"))
    _by_description(view, W.Textarea, note_label).value = "Flyttet til Aarhus i 2025"
    _by_description(view, W.Textarea, t("context.notes")).value = "Drøftet på ledermødet"
    saved = store.open(session.workbook.id).context
    assert saved.factors["relocated"].selected
    assert saved.factors["relocated"].note == "Flyttet til Aarhus i 2025"
    assert saved.notes == "Drøftet på ledermødet"
    assert not saved.factors["reorganised"].selected


def test_guidance_example_is_offered_and_nothing_typed_is_lost(session, store):
    view = ContextView(session)
    view.statement.value = "Vores egen indledning."
    view.insert_example()
    saved = store.open(session.workbook.id).context.statement
    assert saved.startswith("Vores egen indledning.\n\n")
    assert "veletableret kultur med en stærk faglighed" in saved


def test_every_input_has_a_label_in_both_languages(session):
    for lang in ("da", "en"):
        session.set_lang(lang)
        view = ContextView(session)
        stack = [view]
        while stack:
            w = stack.pop()
            if isinstance(w, W.Checkbox | W.Text | W.Textarea):
                assert w.description.strip(), f"unlabelled {type(w).__name__} in {lang}"
            stack.extend(getattr(w, "children", ()))


def test_html_in_notes_is_stored_as_text(session, store):
    view = ContextView(session)
    _by_description(view, W.Textarea, t("context.notes")).value = "<img src=x onerror=alert(1)>"
    assert store.open(session.workbook.id).context.notes == "<img src=x onerror=alert(1)>"
    again = ContextView(session)
    html = "".join(w.value for w in again.children if isinstance(w, W.HTML))
    assert "<img" not in html
