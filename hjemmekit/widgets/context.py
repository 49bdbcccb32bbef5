"""Step 1, "Sæt konteksten": context factors with notes, free notes, the statement."""

from __future__ import annotations

import ipywidgets as W

from hjemmekit.model import CONTEXT_FACTORS, Workbook
from hjemmekit.widgets.base import StepView, checkbox, esc, heading, paragraph, text


def _set_factor(key: str, attr: str):
    def set_(wb: Workbook, value: object) -> None:
        setattr(wb.context.factors[key], attr, value)

    return set_


class ContextView(StepView):
    """Step 1: the leadership's shared understanding of its starting point."""

    step = "context"

    def build(self) -> list[W.Widget]:
        s, tr = self.session, self.tr
        factors = []
        for key in CONTEXT_FACTORS:
            box = checkbox(
                s, tr(f"context.factor_{key}"),
                lambda wb, k=key: wb.context.factors[k].selected, _set_factor(key, "selected"),
            )
            note = text(
                s, tr("context.factor_note", factor=tr(f"context.factor_{key}")),
                lambda wb, k=key: wb.context.factors[k].note, _set_factor(key, "note"),
                multiline=True, rows=2,
            )
            card = W.VBox([box, note])
            card.add_class("hk-card")
            factors.append(card)
        notes = text(
            s, tr("context.notes"), lambda wb: wb.context.notes,
            lambda wb, v: setattr(wb.context, "notes", v), multiline=True, rows=5,
        )
        self.statement = text(
            s, tr("context.statement"), lambda wb: wb.context.statement,
            lambda wb, v: setattr(wb.context, "statement", v), multiline=True, rows=8,
        )
        use_example = W.Button(description=tr("context.use_example"), icon="")
        use_example.on_click(lambda _: self.insert_example())
        example = W.HTML(
            f"<details><summary>{esc(tr('context.example_summary'))}</summary>"
            f"<blockquote class='hk-quote'>{esc(tr('context.example'))}</blockquote>"
            f"<p class='hk-source'>{esc(tr('context.example_source'))}</p></details>"
        )
        return [
            paragraph(tr("steps.context_intro")),
            heading(tr("context.factors_heading")),
            paragraph(tr("context.factors_help")),
            *factors,
            heading(tr("context.notes_heading")),
            notes,
            heading(tr("context.statement_heading")),
            paragraph(tr("context.statement_help")),
            example,
            use_example,
            self.statement,
        ]

    def insert_example(self) -> None:
        """Put the guidance's example statement in as a starting point (nothing is lost)."""
        example = self.tr("context.example")
        current = self.statement.value.strip()
        self.statement.value = example if not current else f"{current}\n\n{example}"
