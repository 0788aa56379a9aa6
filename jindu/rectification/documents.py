"""Word documents generated from the records (python-docx): the listing decision.

Everything printed comes from the decision, its listing and the policy file: the title of the
Measures, the articles applied and their text, the period and the duties that follow.
"""

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from .models import Decision, DecisionKind

TITLES = {
    DecisionKind.LIST: "关于将{unit}列为{level}{kind}的决定",
    DecisionKind.EXTEND: "关于延长{unit}{short}期限的决定",
    DecisionKind.LOWER: "关于降低{unit}禁毒整治级别的决定",
    DecisionKind.LIFT: "关于取消{unit}{short}的决定",
    DecisionKind.CONTINUE: "关于对{unit}继续挂牌整治的决定",
}


def chinese_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _font(run, size: float, *, bold: bool = False, name: str = "仿宋", color=None) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = name
    run._element.rPr.rFonts.set(qn("w:eastAsia"), name)
    if color is not None:
        run.font.color.rgb = color


def _paragraph(
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
    _font(paragraph.add_run(text), size, bold=bold, name=name, color=color)
    return paragraph


def listing_decision(decision: Decision) -> bytes:
    designation = decision.designation
    policy = designation.policy
    unit = designation.org_unit
    state = decision.state_after
    level = policy.level(state.get("level", designation.level))
    unit_kind = "村（社区）" if unit.level == "village" else "乡镇（园区）"

    doc = Document()
    _paragraph(
        doc,
        policy.issuer,
        size=26,
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        name="宋体",
        color=RGBColor(0xC0, 0x00, 0x00),
    )
    _paragraph(doc, decision.decision_no, size=16, align=WD_ALIGN_PARAGRAPH.CENTER)
    title = TITLES[decision.kind].format(
        unit=unit.name,
        level=level.name if level else "",
        kind=unit_kind,
        short=level.short_name if level else "禁毒重点整治",
    )
    _paragraph(doc, title, size=22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, name="黑体")
    _paragraph(doc, f"{unit.name}党委、政府：", indent=False)

    basis = "、".join(decision.basis)
    period = f"{chinese_date(designation.period_start)}起至{chinese_date(designation.due_date)}止"
    if decision.kind == DecisionKind.LIST:
        categories = "、".join(designation.category_names())
        body = (
            f"根据{policy.short_title}{basis}的规定，经{policy.decided_by}研究，"
            f"决定将你{_short_kind(unit)}列为{level.name}{unit_kind}，"
            f"整治类别为：{categories}。整治期限为{_months(level.period_months)}，"
            f"自{period}。"
        )
    elif decision.kind == DecisionKind.EXTEND:
        body = (
            f"根据{policy.short_title}{basis}的规定，经{policy.decided_by}研究，"
            f"决定将你{_short_kind(unit)}{level.short_name}期限延长"
            f"{_months(level.extension_months)}，整治期限至{chinese_date(designation.due_date)}"
            f"止（已延长{designation.extensions_used}次）。"
        )
    elif decision.kind == DecisionKind.LOWER:
        body = (
            f"经评估，你{_short_kind(unit)}同时符合{policy.short_title}第十四条规定的各项条件。"
            f"根据{policy.short_title}{basis}的规定，经{policy.decided_by}研究，决定将你"
            f"{_short_kind(unit)}整治级别降为{level.name}，整治期限自{period}。"
        )
    elif decision.kind == DecisionKind.LIFT:
        body = (
            f"经评估，你{_short_kind(unit)}同时符合{policy.short_title}规定的降低级别或者"
            f"取消整治的各项条件。根据{policy.short_title}{basis}的规定，经{policy.decided_by}"
            f"研究，决定自{chinese_date(decision.date)}起取消对你{_short_kind(unit)}的"
            f"{level.short_name}。"
        )
    else:
        body = (
            f"你{_short_kind(unit)}在延长的整治期限内仍未实现整治目标。根据{policy.short_title}"
            f"{basis}的规定，经{policy.decided_by}研究，决定对你{_short_kind(unit)}继续挂牌整治，"
            f"期限至{chinese_date(designation.due_date)}止。"
        )
    _paragraph(doc, body)

    if decision.kind != DecisionKind.LIFT:
        _paragraph(doc, "请你们按照以下要求抓好整治工作：")
        for number, line in enumerate(_requirements(policy, designation, level), start=1):
            _paragraph(doc, f"{_numeral(number)}、{line}")
    if decision.notes:
        _paragraph(doc, decision.notes)

    _paragraph(doc, "", indent=False)
    _paragraph(doc, policy.issuer, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(doc, chinese_date(decision.date), align=WD_ALIGN_PARAGRAPH.RIGHT)

    cited = [n for n in dict.fromkeys(decision.basis) if n in policy.articles]
    if cited:
        doc.add_page_break()
        _paragraph(
            doc, f"附：{policy.short_title}相关条款", size=16, bold=True, indent=False, name="黑体"
        )
        for number in cited:
            _paragraph(doc, f"{number}　{policy.articles[number].text}", size=14)

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _requirements(policy, designation, level) -> list[str]:
    lines = []
    for rule in policy.listing_obligations:
        owner = "你们" if rule.owner == "listed_unit" else policy.office
        lines.append(f"{owner}须按期完成“{rule.name}”（{rule.article}）。")
    for consequence in policy.consequences:
        if consequence.when == "listed" and level and level.code in consequence.levels:
            lines.append(f"依照{consequence.article}{consequence.clause}，{consequence.name}。")
    return lines


def _short_kind(unit) -> str:
    if unit.level == "village":
        return "社区" if unit.kind == "community" else "村"
    if unit.kind == "park":
        return "园区"
    return "乡" if unit.name.endswith("乡") else "镇"


def _months(months: int) -> str:
    if months % 12 == 0:
        return f"{_numeral(months // 12)}年"
    return f"{_numeral(months)}个月"


def _numeral(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
