"""The decision document (beslutningsgrundlag): one workbook as HTML or Word.

``render_html(wb, lang, data)`` returns one self-contained HTML page (inline CSS and
inline SVG charts, no external reference of any kind); ``render_docx(wb, lang, data)``
returns the same content as a Word document (see ``hjemmekit.report_docx``). Both are
written from the plain description of the document in ``hjemmekit.document``
(:func:`~hjemmekit.document.build`), so the two formats say the same.

User text is always text: jinja2 escapes it in HTML, python-docx writes it as text.
No widgets are imported here.
"""

from __future__ import annotations

import io
import re
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hjemmekit.document import Chart, Document, Format, build, clean
from hjemmekit.i18n import t
from hjemmekit.model import Workbook

if TYPE_CHECKING:
    from matplotlib.figure import Figure as MplFigure

_TEMPLATES = Path(__file__).parent / "templates" / "report"

__all__ = ["figure_svg", "html_from", "render", "render_docx", "render_html"]

# --- HTML ----------------------------------------------------------------------------------


_SVG_DROP = (
    re.compile(r"<\?xml.*?\?>\s*", re.S),
    re.compile(r"<!DOCTYPE.*?>\s*", re.S),
    re.compile(r"<!--.*?-->", re.S),
    re.compile(r"<metadata>.*?</metadata>\s*", re.S),
    re.compile(r'\s+xmlns(:\w+)?="[^"]*"'),
)


def _esc_attr(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def figure_svg(fig: MplFigure, prefix: str, alt: str) -> str:
    """A matplotlib figure as inline SVG for an HTML page: no XML prolog, no namespace
    addresses, no comments, ids made unique with ``prefix``, scaled to the page width,
    and announced as one image with ``alt`` as its name."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None, "Format": None,
                                              "Type": None})
    svg = buf.getvalue()
    for pattern in _SVG_DROP:
        svg = pattern.sub("", svg)
    ids = set(re.findall(r'\bid="([^"]+)"', svg))

    def fix(m: re.Match[str]) -> str:
        name = m.group(2)
        return f"{m.group(1)}{prefix}-{name}{m.group(3)}" if name in ids else m.group(0)

    svg = re.sub(r'(\bid=")([^"]+)(")', fix, svg)
    svg = re.sub(r'(href="#)([^"]+)(")', fix, svg)
    svg = re.sub(r"(url\(#)([^)]+)(\))", fix, svg)
    svg = re.sub(
        r"<svg\b([^>]*)>",
        lambda m: f'<svg{m.group(1)} role="img" aria-label="{_esc_attr(alt)}" '
                  f'focusable="false" class="chart" preserveAspectRatio="xMidYMid meet">',
        svg, count=1,
    )
    return svg.strip()


@cache
def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["id"] = id
    return env


def render_html(
    wb: Workbook, lang: str = "da", data: Any = None, *, today: date | None = None
) -> str:
    """The decision document as one self-contained HTML page (see :func:`build`)."""
    return html_from(build(wb, lang, data, today=today))


def html_from(doc: Document) -> str:
    from markupsafe import Markup

    env = _environment()
    css = Markup((_TEMPLATES / "report.css").read_text(encoding="utf-8"))
    svgs: dict[int, Markup] = {}
    for n, item in enumerate(i for i in doc.walk() if isinstance(i, Chart)):
        svgs[id(item)] = Markup(figure_svg(item.figure, f"c{n}", clean(item.alt)))
    return env.get_template("report.html.j2").render(
        doc=doc, css=css, svgs=svgs, clean=clean, toc_label=t("report.toc", doc.lang),
    )


def render_docx(
    wb: Workbook, lang: str = "da", data: Any = None, *, today: date | None = None
) -> bytes:
    """The decision document as a Word file (see :func:`build`)."""
    from hjemmekit.report_docx import docx_from

    return docx_from(build(wb, lang, data, today=today))


def render(
    wb: Workbook, fmt: Format, lang: str = "da", data: Any = None, *, today: date | None = None
) -> bytes:
    """``render_html`` (UTF-8) or ``render_docx``, by ``fmt``."""
    if fmt == "html":
        return render_html(wb, lang, data, today=today).encode("utf-8")
    if fmt == "docx":
        return render_docx(wb, lang, data, today=today)
    raise ValueError(f"unknown format {fmt!r}; choose html or docx")
