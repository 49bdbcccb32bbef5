"""Step 3: a suggested verdict for a case from its answers, and the overview matrix.

Plain Python (no widgets): the step-3 view, the notebooks and the decision document
use it. The suggestion is only a suggestion: the leader accepts it or chooses
otherwise (``Case.verdict``), and writes why (``Case.verdict_note``).

The rule (the first that matches decides):

1. ``task_no``: the first question, "Egner opgaven sig til at blive løst hjemmefra?",
   is answered *nej* -> **not suitable**. The guidance and the state's principles put
   the task first; if it cannot be solved from home, nothing else makes it so.
2. ``too_unknown``: four or more of the eight questions (half) are unanswered or
   *ved ikke* -> **undecided**: too little is known to suggest anything.
3. ``task_unknown``: the task question is unanswered or *ved ikke* -> **undecided**.
4. ``many_no``: four or more *nej* -> **not suitable**.
5. ``all_yes``: all eight *ja* -> **suitable**.
6. ``mixed``: otherwise -> **partly suitable**: home working can work, but some
   questions pull the other way (see the reasons) and need attention.

The reasons list which questions pulled which way: *ja* for, *delvist* partly,
*nej* against, *ved ikke* or no answer unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from hjemmekit.i18n import DEFAULT_LANGUAGE, t
from hjemmekit.model import SUITABILITY_QUESTIONS, Answer, Case, Verdict, Workbook

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "ANSWERS",
    "ANSWER_COLOURS",
    "VERDICTS",
    "VERDICT_COLOURS",
    "Pull",
    "Reason",
    "Suggestion",
    "answer_label",
    "cases_frame",
    "contrast_ratio",
    "matrix_html",
    "suggest",
    "verdict_label",
]

ANSWERS: tuple[Answer, ...] = ("ja", "delvist", "nej", "ved_ikke")
VERDICTS: tuple[Verdict, ...] = ("suitable", "partly", "not_suitable", "undecided")
Pull = Literal["for", "partly", "against", "unknown"]
RuleKey = Literal["task_no", "too_unknown", "task_unknown", "many_no", "all_yes", "mixed"]

UNKNOWN_LIMIT = 4
"""This many unanswered or "ved ikke" answers (or more) leave a case undecided."""
NO_LIMIT = 4
"""This many "nej" answers (or more) make a case not suitable."""

_PULL: dict[Answer | None, Pull] = {
    "ja": "for",
    "delvist": "partly",
    "nej": "against",
    "ved_ikke": "unknown",
    None: "unknown",
}

# Colour-blind-safe cell colours (Okabe-Ito-like), as (background, text). Every pair has
# a contrast of at least 4.5:1 (WCAG 2.1 AA), and every cell carries its answer as text.
ANSWER_COLOURS: dict[str, tuple[str, str]] = {
    "ja": ("#0072B2", "#FFFFFF"),
    "delvist": ("#F6C77E", "#1A1A1A"),
    "nej": ("#B8400A", "#FFFFFF"),
    "ved_ikke": ("#DDDDDD", "#1A1A1A"),
    "none": ("#FFFFFF", "#44546A"),
}
VERDICT_COLOURS: dict[str, tuple[str, str]] = {
    "suitable": ANSWER_COLOURS["ja"],
    "partly": ANSWER_COLOURS["delvist"],
    "not_suitable": ANSWER_COLOURS["nej"],
    "undecided": ANSWER_COLOURS["ved_ikke"],
}


@dataclass(frozen=True)
class Reason:
    """How one question's answer pulls the verdict."""

    question: str
    answer: Answer | None
    pull: Pull


@dataclass(frozen=True)
class Suggestion:
    """The suggested verdict, the rule that decided it, and every question's pull."""

    verdict: Verdict
    rule: RuleKey
    reasons: tuple[Reason, ...]

    def questions(self, pull: Pull) -> list[str]:
        """Keys of the questions pulling ``pull``, in the guidance's order."""
        return [r.question for r in self.reasons if r.pull == pull]

    def rule_text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return t(f"suitability.rule_{self.rule}", lang)

    def lines(self, lang: str = DEFAULT_LANGUAGE) -> list[str]:
        """The reasons as short lines: the rule, then the questions for each pull."""
        out = [self.rule_text(lang)]
        for pull in ("for", "partly", "against", "unknown"):
            keys = self.questions(pull)  # type: ignore[arg-type]
            if keys:
                names = ", ".join(question_short(k, lang) for k in keys)
                out.append(t(f"suitability.pull_{pull}", lang, questions=names))
        return out

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """One paragraph: ``Forslag: Delvist egnet. <rule> <pulls>``."""
        head = t("suitability.suggestion_text", lang, verdict=verdict_label(self.verdict, lang))
        return " ".join([head, *self.lines(lang)])


def suggest(case: Case) -> Suggestion:
    """Suggest a verdict for ``case`` from its eight answers (rule in the module doc)."""
    answers = {q: case.answers[q].answer for q in SUITABILITY_QUESTIONS}
    reasons = tuple(Reason(q, a, _PULL[a]) for q, a in answers.items())
    unknown = sum(1 for r in reasons if r.pull == "unknown")
    no = sum(1 for r in reasons if r.pull == "against")
    task = answers["task"]
    verdict: Verdict
    rule: RuleKey
    if task == "nej":
        verdict, rule = "not_suitable", "task_no"
    elif unknown >= UNKNOWN_LIMIT:
        verdict, rule = "undecided", "too_unknown"
    elif task in (None, "ved_ikke"):
        verdict, rule = "undecided", "task_unknown"
    elif no >= NO_LIMIT:
        verdict, rule = "not_suitable", "many_no"
    elif all(a == "ja" for a in answers.values()):
        verdict, rule = "suitable", "all_yes"
    else:
        verdict, rule = "partly", "mixed"
    return Suggestion(verdict, rule, reasons)


# --- Labels -----------------------------------------------------------------------------


def answer_label(answer: Answer | None, lang: str = DEFAULT_LANGUAGE) -> str:
    return t(f"suitability.answer_{answer or 'none'}", lang)


def verdict_label(verdict: Verdict, lang: str = DEFAULT_LANGUAGE) -> str:
    return t(f"suitability.verdict_{verdict}", lang)


def question_text(question: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The question as the guidance words it (translated in English)."""
    return t(f"suitability.q_{question}", lang)


def question_short(question: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A short name of the question for table headings and lists."""
    return t(f"suitability.q_short_{question}", lang)


# --- Contrast ---------------------------------------------------------------------------


def _luminance(colour: str) -> float:
    h = colour.lstrip("#")
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio of two ``#RRGGBB`` colours (1 to 21)."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


# --- Overview ---------------------------------------------------------------------------


def _esc(text: object) -> str:
    import html

    return html.escape(str(text), quote=True)


def _cell(label: str, colours: tuple[str, str], title: str = "") -> str:
    bg, fg = colours
    title_attr = f" title='{_esc(title)}'" if title else ""
    return (
        f"<td style='background:{bg};color:{fg};font-weight:600;text-align:center;"
        f"padding:4px 5px'"
        f"{title_attr}>{_esc(label)}</td>"
    )


def matrix_html(workbook: Workbook, lang: str = DEFAULT_LANGUAGE) -> str:
    """All cases against the eight questions: an accessible, colour-coded HTML table.

    Each cell names its answer in text (colour is never the only cue); a note, if any,
    is the cell's title. The last two columns are the suggested and the chosen verdict.
    """
    cases = workbook.suitability.cases
    caption = _esc(t("suitability.matrix_caption", lang))
    if not cases:
        return f"<p class='hk-help'>{_esc(t('suitability.matrix_empty', lang))}</p>"
    head = "".join(
        f"<th scope='col' title='{_esc(question_text(q, lang))}'>"
        f"{i}. {_esc(question_short(q, lang))}</th>"
        for i, q in enumerate(SUITABILITY_QUESTIONS, start=1)
    )
    head = (
        f"<th scope='col'>{_esc(t('suitability.matrix_case', lang))}</th>{head}"
        f"<th scope='col'>{_esc(t('suitability.matrix_suggested', lang))}</th>"
        f"<th scope='col'>{_esc(t('suitability.matrix_verdict', lang))}</th>"
    )
    rows = []
    for case in cases:
        cells = []
        for q in SUITABILITY_QUESTIONS:
            a = case.answers[q]
            cells.append(_cell(answer_label(a.answer, lang), ANSWER_COLOURS[a.answer or "none"],
                               a.note))
        s = suggest(case)
        cells.append(_cell(verdict_label(s.verdict, lang), VERDICT_COLOURS[s.verdict]))
        cells.append(_cell(verdict_label(case.verdict, lang), VERDICT_COLOURS[case.verdict],
                           case.verdict_note))
        kind = t(f"suitability.kind_{case.kind}", lang)
        rows.append(
            f"<tr><th scope='row'>{_esc(case.name)} "
            f"<span style='font-weight:400'>({_esc(kind)})</span></th>{''.join(cells)}</tr>"
        )
    return (
        # A scrolled region must be reachable from the keyboard (WCAG 2.1.1).
        f"<div style='overflow-x:auto' tabindex='0' role='region' aria-label='{caption}'>"
        "<table class='hk-table hk-matrix' style='font-size:0.9em'>"
        f"<caption style='text-align:left;font-weight:600'>{caption}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def cases_frame(workbook: Workbook, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """Cases × answers with the suggested and chosen verdicts, as text (for notebooks)."""
    import pandas as pd

    columns = [
        *(f"{i}. {question_short(q, lang)}" for i, q in enumerate(SUITABILITY_QUESTIONS, 1)),
        t("suitability.matrix_suggested", lang),
        t("suitability.matrix_verdict", lang),
    ]
    rows = [
        [answer_label(case.answers[q].answer, lang) for q in SUITABILITY_QUESTIONS]
        + [verdict_label(suggest(case).verdict, lang), verdict_label(case.verdict, lang)]
        for case in workbook.suitability.cases
    ]
    index = pd.Index([c.name for c in workbook.suitability.cases],
                     name=t("suitability.matrix_case", lang))
    return pd.DataFrame(rows, index=index, columns=columns)
