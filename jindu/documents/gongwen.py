"""Issued documents in the 公文 format of GB/T 9704-2012 (党政机关公文格式).

The layout lives in a Word template (``templates_docx/gongwen.docx``): 发文机关标志 in red, the
document number, the red separator line, title, 主送, body, signature and 成文日期, and the
版记 (抄送, 印发机关和印发日期). The office may change the letterhead or the wording there
(docxtpl placeholders ``{{ … }}``) without touching code; ``JINDU_DOCUMENT_TEMPLATES`` points
to a folder holding the county's own copy. Code builds only the body.

Fonts are named as the standard names them; a machine without them substitutes the
fallbacks listed in the font table (``w:altName``) and then its own (fonts-noto-cjk on Debian).
Regenerate the template with ``python -m jindu.documents.gongwen``.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

# GB/T 9704-2012 7.1–7.4: the fonts the standard names, and what to use where they are absent.
FANGSONG = "仿宋_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
HEITI = "黑体"
KAITI = "楷体_GB2312"
FALLBACKS = {
    FANGSONG: ("FangSong", "仿宋", "Noto Serif CJK SC"),
    XIAOBIAOSONG: ("SimSun", "宋体", "Noto Serif CJK SC"),
    HEITI: ("SimHei", "Noto Sans CJK SC"),
    KAITI: ("KaiTi", "楷体", "AR PL UKai CN"),
}
RED = RGBColor(0xE6, 0x00, 0x12)  # the red of the 发文机关标志 and separator line
SIZE_3 = 16  # 3号
SIZE_2 = 22  # 2号
SIZE_4 = 14  # 4号
LINE = 28  # fixed line spacing: 22 lines to the 225 mm type area (7.3)

TEMPLATE_DIR = Path(__file__).parent / "templates_docx"


def template_path(name: str = "gongwen.docx") -> Path:
    """The county's own template if it keeps one (setting JINDU_DOCUMENT_TEMPLATES), else ours."""
    from django.conf import settings

    custom = getattr(settings, "JINDU_DOCUMENT_TEMPLATES", "")
    if custom and (Path(custom) / name).exists():
        return Path(custom) / name
    return TEMPLATE_DIR / name


def font(run, name: str = FANGSONG, size: float = SIZE_3, *, bold=False, color=None) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = name
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for key in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(key), name)
    if color is not None:
        run.font.color.rgb = color


def paragraph(
    container,
    text: str = "",
    *,
    name: str = FANGSONG,
    size: float = SIZE_3,
    bold: bool = False,
    align=None,
    indent: bool = True,
    color=None,
):
    """A paragraph of the body: 3号仿宋, 28-point fixed spacing, first line indented two
    characters (GB/T 9704 7.3.5.3)."""
    p = container.add_paragraph()
    fmt = p.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE)
    fmt.space_before = fmt.space_after = Pt(0)
    if align is not None:
        p.alignment = align
    elif indent:
        fmt.first_line_indent = Pt(size * 2)
    if text:
        font(p.add_run(text), name, size, bold=bold, color=color)
    return p


def heading(container, text: str, level: int = 1):
    """一、（一）: first-level headings in 黑体, second-level in 楷体 (7.3.5.2)."""
    return paragraph(container, text, name=HEITI if level == 1 else KAITI)


def table(container, header, rows):
    t = container.add_table(rows=1, cols=len(header))
    t.style = "Table Grid"
    for cell, text in zip(t.rows[0].cells, header, strict=True):
        cell.text = ""
        font(cell.paragraphs[0].add_run(str(text)), HEITI, SIZE_4)
    for row in rows:
        cells = t.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = ""
            font(cell.paragraphs[0].add_run(str(text)), FANGSONG, SIZE_4)
    return t


def render(context: dict, build_body, *, template: str = "gongwen.docx") -> bytes:
    """Fill the template: ``context`` gives letterhead, number, title, recipient, signature,
    date, cc, printer, print_date; ``build_body(subdoc)`` writes the body; ``annex`` (optional
    callable) writes an annex after a page break."""
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(str(template_path(template)))
    body = tpl.new_subdoc()
    build_body(body)
    annex = None
    if context.get("annex"):
        annex = tpl.new_subdoc()
        context["annex"](annex)
    values = {
        "letterhead": "",
        "number": "",
        "title": "",
        "recipient": "",
        "signature": "",
        "date": "",
        "cc": "",
        "printer": "",
        "print_date": "",
        **{k: v for k, v in context.items() if k != "annex"},
        "body": body,
        "annex": annex or "",
    }
    tpl.render(values, autoescape=True)
    buffer = io.BytesIO()
    tpl.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- the template itself


def _border(paragraph_, *, edge: str, color: str = "E60012", size: int = 12) -> None:
    ppr = paragraph_._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        # Schema order: the border comes before shading, spacing, indentation and alignment.
        ppr.insert_element_before(
            borders, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr", "w:sectPr"
        )
    line = OxmlElement(f"w:{edge}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size))
    line.set(qn("w:space"), "1")
    line.set(qn("w:color"), color)
    borders.append(line)


def _page_number(section) -> None:
    """— 1 — in 4号 宋体 at the foot of each page (7.5)."""
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    font(footer.add_run("— "), "宋体", SIZE_4)
    run = footer.add_run()
    font(run, "宋体", SIZE_4)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    font(footer.add_run(" —"), "宋体", SIZE_4)


def _font_table(doc) -> None:
    """Name each font as the standard does, with its fallbacks (w:altName)."""
    part = doc.part
    font_part = next(
        (rel.target_part for rel in part.rels.values() if rel.reltype.endswith("/fontTable")),
        None,
    )
    if font_part is None:
        return
    from lxml import etree

    root = etree.fromstring(font_part.blob)
    for name, alternatives in FALLBACKS.items():
        element = etree.SubElement(root, qn("w:font"))
        element.set(qn("w:name"), name)
        alt = etree.SubElement(element, qn("w:altName"))
        alt.set(qn("w:val"), alternatives[0])
        charset = etree.SubElement(element, qn("w:charset"))
        charset.set(qn("w:val"), "86")  # GB2312
    font_part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def build_template(path: Path) -> None:
    doc = Document()
    section = doc.sections[0]
    # A4, type area 156 mm × 225 mm (GB/T 9704 5.2.1–5.2.2).
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.name = FANGSONG
    normal.font.size = Pt(SIZE_3)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FANGSONG)

    center = WD_ALIGN_PARAGRAPH.CENTER
    # 版头: 发文机关标志 (red, centred), 发文字号, red separator line (7.2).
    paragraph(doc, "{{ letterhead }}", name=XIAOBIAOSONG, size=36, align=center, color=RED)
    paragraph(doc, "", align=center)
    number = paragraph(doc, "{{ number }}", align=center)
    _border(number, edge="bottom", size=16)
    paragraph(doc, "", align=center)
    # 主体: title (2号小标宋), 主送机关, body, signature and date (7.3).
    paragraph(doc, "{{ title }}", name=XIAOBIAOSONG, size=SIZE_2, align=center)
    paragraph(doc, "", align=center)
    paragraph(doc, "{{ recipient }}", indent=False)
    paragraph(doc, "{{p body }}", indent=False)
    paragraph(doc, "", indent=False)
    signature = paragraph(doc, "{{ signature }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    signature.paragraph_format.right_indent = Pt(SIZE_3 * 4)
    date = paragraph(doc, "{{ date }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    date.paragraph_format.right_indent = Pt(SIZE_3 * 4)
    # 附件 (an annex such as the articles cited) after a page break.
    paragraph(doc, "{%p if annex %}", indent=False)
    doc.add_page_break()
    paragraph(doc, "{{p annex }}", indent=False)
    paragraph(doc, "{%p endif %}", indent=False)
    # 版记: 抄送, 印发机关和印发日期, between lines (7.4).
    paragraph(doc, "", indent=False)
    cc = paragraph(doc, "抄送：{{ cc }}", size=SIZE_4, indent=False)
    cc.paragraph_format.left_indent = Pt(SIZE_4)
    _border(cc, edge="top", color="000000", size=8)
    printed = paragraph(doc, "{{ printer }}　　　　{{ print_date }}印发", size=SIZE_4, indent=False)
    printed.paragraph_format.left_indent = Pt(SIZE_4)
    _border(printed, edge="top", color="000000", size=4)
    _border(printed, edge="bottom", color="000000", size=8)
    _page_number(section)
    _font_table(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))


if __name__ == "__main__":
    build_template(TEMPLATE_DIR / "gongwen.docx")
    print(TEMPLATE_DIR / "gongwen.docx")
