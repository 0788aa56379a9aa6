"""Word helpers every area's documents use (红头文件 style: 仿宋 body, 黑体 headings, the
Chinese date), so a document module imports them from here, not from another area."""

from docx.oxml.ns import qn
from docx.shared import Pt


def chinese_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def font(run, size: float, *, bold: bool = False, name: str = "仿宋", color=None) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = name
    run._element.rPr.rFonts.set(qn("w:eastAsia"), name)
    if color is not None:
        run.font.color.rgb = color


def paragraph(
    doc,
    text: str,
    *,
    size: float = 16,
    bold: bool = False,
    align=None,
    indent: bool = True,
    name: str = "仿宋",
    color=None,
):
    paragraph = doc.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent and align is None:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    paragraph.paragraph_format.line_spacing = Pt(28)
    font(paragraph.add_run(text), size, bold=bold, name=name, color=color)
    return paragraph
