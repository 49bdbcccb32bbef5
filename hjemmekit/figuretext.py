"""Evaluation figures as the tables write them: numbers, hidden figures and intervals.

One base for the app's tables (:mod:`hjemmekit.widgets.trial_data`) and the report's
(:mod:`hjemmekit.document`); each says where its texts come from (:meth:`tr`) and how a
hidden figure reads (:meth:`hidden`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hjemmekit.i18n import number, t

if TYPE_CHECKING:
    from hjemmekit.evaluation import Cell, DiD, Evaluation, Periods


class FigureText:
    """Numbers and hidden figures in one language; ``tr`` gives ``ci`` (``lo``, ``hi``)."""

    def __init__(self, ev: Evaluation, lang: str) -> None:
        self.lang = lang
        self.k = ev.design.min_answers
        self.fte = number(ev.design.min_fte, lang, 0)

    def tr(self, key: str, **fields: object) -> str:
        raise NotImplementedError

    def hidden(self, fte: bool = False) -> str:
        raise NotImplementedError

    def num(self, x: float | None, digits: int = 2) -> str:
        return "–" if x is None else number(x, self.lang, digits)

    def cell(self, c: Cell, digits: int = 2, fte: bool = False) -> str:
        return self.hidden(fte) if c.suppressed else self.num(c.value, digits)

    def count(self, c: Cell, fte: bool = False) -> str:
        return self.hidden(fte) if c.suppressed else self.num(c.n, 1 if fte else 0)

    def did(self, d: DiD, digits: int = 2, fte: bool = False) -> str:
        return self.hidden(fte) if d.suppressed else self.num(d.estimate, digits)

    def ci(self, d: DiD, clustered: bool = False) -> str:
        """The 95 % interval, or the unit-clustered one (what the sentences use with
        enough units)."""
        ci = d.ci95_cluster if clustered else d.ci95
        if d.suppressed:
            return self.hidden()
        if ci is None:
            return "–"
        return self.tr("ci", lo=self.num(ci[0]), hi=self.num(ci[1]))

    def change(self, p: Periods, digits: int = 2) -> str:
        b, d = p.baseline.value, p.during.value
        return "–" if b is None or d is None else self.num(d - b, digits)

    def group(self, g: str) -> str:
        return t(f"evaluation.group_{g}", self.lang)
