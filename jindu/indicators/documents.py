"""Briefings (通报) as Word documents in the 公文 layout: red issuer line, number, title,
body with the period's figures, a table, a chart PNG rendered server-side from the same
figures (matplotlib, a CJK font from Debian's fonts-noto-cjk), issuer and date."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, RGBColor

from jindu.core.documents import chinese_date
from jindu.core.documents import font as _font
from jindu.core.documents import paragraph as _paragraph

from . import rules

CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
)


@cache
def _cjk_font():
    from matplotlib import font_manager

    for path in CJK_FONTS:
        if Path(path).exists():
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path)
    return None


def trend_png(name: str, series: list[dict]) -> bytes:
    """A line chart of the series and the same months a year earlier, as PNG."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    font = _cjk_font()
    figure = Figure(figsize=(6.4, 3.0), dpi=120)
    axes = figure.add_subplot()
    months = [row["period"] for row in series]
    xs = list(range(len(months)))
    axes.plot(
        xs,
        [row["value"] if row["value"] is not None else float("nan") for row in series],
        marker="o",
        label="本期",
    )
    axes.plot(
        xs,
        [
            row["previous_year"] if row["previous_year"] is not None else float("nan")
            for row in series
        ],
        linestyle="--",
        label="上年同期",
    )
    axes.set_xticks(xs, months)
    axes.set_title(name, fontproperties=font)
    axes.tick_params(axis="x", labelrotation=45, labelsize=7)
    axes.legend(prop=font)
    axes.grid(alpha=0.3)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def _fmt(value) -> str:
    if value is None:
        return "—"
    return f"{value:g}"


def briefing_docx(
    *, title, number, issuer, issued_on, unit, period, figures, warnings, trend, trend_name, basis
) -> bytes:
    doc = Document()
    for section in doc.sections:
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
        section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    _paragraph(
        doc,
        issuer,
        size=26,
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        name="宋体",
        color=RGBColor(0xC0, 0x00, 0x00),
    )
    _paragraph(doc, number, size=16, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(
        doc,
        f"{unit.name}{title}（{period}）",
        size=22,
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        name="黑体",
    )
    met = sum(1 for f in figures if f.met is True)
    missed = [f for f in figures if f.met is False]
    _paragraph(
        doc,
        f"根据{basis}的规定，现将{unit.name}{period}禁毒重点整治工作目标完成情况通报如下。"
        f"纳入统计的{len(figures)}项目标中，已达标{met}项，未达标{len(missed)}项"
        + ("：" + "、".join(f.name for f in missed) + "。" if missed else "。"),
    )
    _paragraph(doc, "一、目标完成情况", bold=True, name="黑体", indent=False)
    table = doc.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, ("目标", "分子", "分母", "数值", "目标值", "是否达标"), strict=True
    ):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(text), 10.5, bold=True)
    for f in figures:
        row = table.add_row().cells
        light = {"met": "达标", "missed": "未达标", "none": "无数据"}[rules.light(f.met)["state"]]
        for cell, text in zip(
            row,
            (f.name, _fmt(f.numerator), _fmt(f.denominator), _fmt(f.value), _fmt(f.target), light),
            strict=True,
        ):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(text), 10.5)
    if warnings:
        _paragraph(doc, "二、分级预警情况", bold=True, name="黑体", indent=False)
        table = doc.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells, ("乡镇（园区）", "预警分值", "预警等级"), strict=True
        ):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(text), 10.5, bold=True)
        for w in warnings:
            row = table.add_row().cells
            for cell, text in zip(
                row, (w.org_unit.name, _fmt(w.score), w.level or "未达预警"), strict=True
            ):
                cell.text = ""
                _font(cell.paragraphs[0].add_run(text), 10.5)
    _paragraph(doc, f"{'三' if warnings else '二'}、趋势", bold=True, name="黑体", indent=False)
    doc.add_picture(io.BytesIO(trend_png(trend_name, trend)), width=Cm(15))
    _paragraph(doc, issuer, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _paragraph(doc, chinese_date(issued_on), align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
