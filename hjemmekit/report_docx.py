"""The decision document as a Word file (python-docx), from ``hjemmekit.document.build``.

Real Word structure: a title page (Title style), ``Heading 1``-``Heading 3`` for the
sections (each main section on a new page), tables with a repeated header row and a
caption, charts as PNG pictures (170 dpi) with alt text, A4 pages with the title and
page number in the footer, and the document language set (da-DK / en-GB).
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document as new_document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph

from hjemmekit.document import (
    Bullets,
    Chart,
    Document,
    Facts,
    Para,
    Quote,
    Section,
    Table,
    TableCell,
    clean,
)
from hjemmekit.scenario_charts import figure_png

CHART_DPI = 170
PAGE_WIDTH_CM = 17.0
"""Text width on A4 with 2 cm margins."""
_LANG = {"da": "da-DK", "en": "en-GB"}
_MUTED = RGBColor(0x4A, 0x4A, 0x4A)
_HEAD_FILL = "EEF1F5"


def docx_from(doc: Document) -> bytes:
    """Write ``doc`` as a .docx file; returns its bytes."""
    d = new_document()
    _setup(d, doc)
    _title_page(d, doc)
    for s in doc.sections:
        _section(d, s, first=True)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


# --- page, styles, properties -----------------------------------------------------------


def _setup(d: Any, doc: Document) -> None:
    sec = d.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(sec, side, Cm(2.0))
    sec.top_margin, sec.bottom_margin = Cm(2.0), Cm(2.0)
    sec.different_first_page_header_footer = True

    styles = d.styles
    normal = styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    _set_language(normal.element, _LANG[doc.lang])
    rpr_default = d.styles.element.find(qn("w:docDefaults"))
    if rpr_default is not None:
        rpr = rpr_default.find(qn("w:rPrDefault"))
        if rpr is not None and rpr.find(qn("w:rPr")) is not None:
            _set_language_rpr(rpr.find(qn("w:rPr")), _LANG[doc.lang])
    normal.paragraph_format.space_after = Pt(4)
    caption = styles["Caption"]
    caption.font.size = Pt(9.5)
    caption.font.bold = True
    caption.font.italic = False
    caption.font.color.rgb = RGBColor(0x1A, 0x1A, 0x1A)

    props = d.core_properties
    props.title = clean(f"{doc.title} – {doc.kicker}")
    props.subject = clean(doc.kicker)
    props.author = clean(doc.organisation)
    props.language = _LANG[doc.lang]
    props.keywords = "hjemmearbejde, beslutningsgrundlag, SU"

    footer = sec.footer.paragraphs[0]
    run = footer.add_run(clean(f"{doc.title} – {doc.kicker} – "))
    run.font.size = Pt(8.5)
    _page_field(footer)


def _set_language_rpr(rpr: Any, tag: str) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), tag)
    lang.set(qn("w:eastAsia"), tag)


def _set_language(style_element: Any, tag: str) -> None:
    rpr = style_element.get_or_add_rPr()
    _set_language_rpr(rpr, tag)


def _page_field(paragraph: Paragraph) -> None:
    """A PAGE field (the page number) at the end of ``paragraph``."""
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    fld.append(run)
    paragraph._p.append(fld)


# --- title page ---------------------------------------------------------------------------


def _title_page(d: Any, doc: Document) -> None:
    kicker = d.add_paragraph(clean(doc.kicker), style="Subtitle")
    kicker.paragraph_format.space_before = Pt(120)
    d.add_heading(clean(doc.title), level=0)
    org = d.add_paragraph()
    run = org.add_run(clean(doc.organisation))
    run.font.size = Pt(16)
    for label, value in doc.meta:
        p = d.add_paragraph()
        p.add_run(f"{clean(label)}: ").bold = True
        p.add_run(clean(value))
    intro = d.add_paragraph(clean(doc.intro))
    intro.paragraph_format.space_before = Pt(18)
    toc = d.add_paragraph()
    toc.paragraph_format.space_before = Pt(18)
    toc.add_run(clean(_toc_label(doc))).bold = True
    for s in doc.sections:
        d.add_paragraph(clean(s.title), style="List Number")
    foot = d.add_paragraph(clean(doc.footer))
    foot.paragraph_format.space_before = Pt(24)
    for r in foot.runs:
        r.font.size = Pt(8.5)
        r.font.color.rgb = _MUTED


def _toc_label(doc: Document) -> str:
    from hjemmekit.i18n import t

    return t("report.toc", doc.lang)


# --- sections and blocks ------------------------------------------------------------------


def _section(d: Any, s: Section, first: bool = False) -> None:
    level = max(1, min(s.level - 1, 4))
    h = d.add_heading(clean(s.title), level=level)
    if first:
        h.paragraph_format.page_break_before = True
    for item in s.content:
        if isinstance(item, Section):
            _section(d, item)
        elif isinstance(item, Para):
            _para(d, item)
        elif isinstance(item, Bullets):
            style = "List Number" if item.numbered else "List Bullet"
            for text in item.items:
                d.add_paragraph(clean(text), style=style)
        elif isinstance(item, Facts) and item.stacked:
            for label, value in item.rows:
                q = d.add_paragraph()
                q.paragraph_format.space_after = Pt(1)
                q.paragraph_format.keep_with_next = True
                q.add_run(clean(label)).bold = True
                a = d.add_paragraph(clean(value))
                a.paragraph_format.left_indent = Cm(0.5)
        elif isinstance(item, Facts):
            for label, value in item.rows:
                p = d.add_paragraph()
                p.paragraph_format.space_after = Pt(3)
                p.add_run(f"{clean(label)}: ").bold = True
                p.add_run(clean(value))
        elif isinstance(item, Quote):
            d.add_paragraph(clean(item.text), style="Quote")
        elif isinstance(item, Table):
            _table(d, item)
        elif isinstance(item, Chart):
            _chart(d, item)


def _para(d: Any, b: Para) -> None:
    p = d.add_paragraph()
    if b.label:
        p.add_run(clean(b.label) + " ").bold = True
    run = p.add_run(clean(b.text))
    if b.kind == "empty":
        run.italic = True
        run.font.color.rgb = _MUTED
    elif b.kind in ("help", "source"):
        run.font.size = Pt(9)
        run.font.color.rgb = _MUTED
        run.italic = b.kind == "source"
    elif b.kind == "lead":
        run.bold = True
    elif b.kind == "sign":
        p.paragraph_format.space_before = Pt(14)
    elif b.kind == "warning":
        p.paragraph_format.left_indent = Cm(0.4)


def _shade(cell: Any, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def _cell_text(cell: Any, text: str, bold: bool = False, size: float = 9,
               colour: str | None = None) -> None:
    p = cell.paragraphs[0]
    p.paragraph_format.space_after = Pt(0)
    run = p.add_run(clean(text))
    run.bold = bold
    run.font.size = Pt(size)
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour.lstrip("#").upper())


def _table(d: Any, b: Table) -> None:
    cap = d.add_paragraph(clean(b.caption), style="Caption")
    cap.paragraph_format.keep_with_next = True
    size = 8 if b.css == "matrix" or len(b.head) > 6 else 9
    table: DocxTable = d.add_table(rows=1 + len(b.rows), cols=len(b.head))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    weights = b.widths or [1.0] * len(b.head)
    total = sum(weights)
    widths = [Cm(PAGE_WIDTH_CM * w / total) for w in weights]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    rows = table.rows
    header = rows[0]
    _repeat_header(header)
    for cell, text, width in zip(header.cells, b.head, widths, strict=True):
        cell.width = width
        _shade(cell, _HEAD_FILL)
        _cell_text(cell, text, bold=True, size=size)
    for row, values in zip(rows[1:], b.rows, strict=True):
        if sum(len(str(v)) for v in values) < 400:
            _no_split(row)
        for i, (cell, value, width) in enumerate(zip(row.cells, values, widths, strict=True)):
            cell.width = width
            if isinstance(value, TableCell) and value.colours:
                bg, fg = value.colours
                _shade(cell, bg.lstrip("#").upper())
                _cell_text(cell, value.text, bold=True, size=size, colour=fg)
            else:
                _cell_text(cell, str(value), bold=i == 0 and b.row_header, size=size)
    d.add_paragraph()


def _repeat_header(row: Any) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _no_split(row: Any) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _chart(d: Any, b: Chart) -> None:
    png = figure_png(b.figure, CHART_DPI)
    width_in = b.figure.get_figwidth()
    width = Cm(min(PAGE_WIDTH_CM, width_in * 2.54))
    d.add_picture(io.BytesIO(png), width=width)
    picture_paragraph = d.paragraphs[-1]
    picture_paragraph.paragraph_format.keep_with_next = True
    for doc_pr in picture_paragraph._p.iter(qn("wp:docPr")):
        doc_pr.set("descr", clean(b.alt))
        doc_pr.set("title", clean(b.caption))
    d.add_paragraph(clean(b.caption), style="Caption")

