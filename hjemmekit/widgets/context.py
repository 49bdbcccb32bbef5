"""Step 1, "Sæt konteksten": context factors with notes, free notes, the statement."""

from __future__ import annotations

import ipywidgets as W

from hjemmekit.model import CONTEXT_FACTORS, Workbook
from hjemmekit.widgets.base import (
    StepView,
    checkbox,
    esc,
    heading_html,
    paragraph_html,
    shared_layout,
    shared_style,
    static_html,
    text,
)


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
            card = W.VBox([box, note], layout=shared_layout())
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
        use_example = W.Button(description=tr("context.use_example"), icon="",
                               layout=shared_layout(), style=shared_style(W.Button))
        use_example.on_click(lambda _: self.insert_example())
        # Text that follows text is one HTML widget (one model in the page, not three).
        return [
            static_html(
                paragraph_html(tr("steps.context_intro"))
                + heading_html(tr("context.factors_heading"))
                + paragraph_html(tr("context.factors_help"))
            ),
            *factors,
            static_html(heading_html(tr("context.notes_heading"))),
            notes,
            static_html(
                heading_html(tr("context.statement_heading"))
                + paragraph_html(tr("context.statement_help"))
                + f"<details><summary>{esc(tr('context.example_summary'))}</summary>"
                f"<blockquote class='hk-quote'>{esc(tr('context.example'))}</blockquote>"
                f"<p class='hk-source'>{esc(tr('context.example_source'))}</p></details>"
            ),
            use_example,
            self.statement,
        ]

    def insert_example(self) -> None:
        """Put the guidance's example statement in as a starting point (nothing is lost)."""
        example = self.tr("context.example")
        current = self.statement.value.strip()
        self.statement.value = example if not current else f"{current}\n\n{example}"
