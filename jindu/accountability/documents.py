"""Word documents of accountability: the briefing to the county party committee and
government (art. 28), the accountability report (art. 33) and the interview notice (约谈通知书).
Everything comes from the records and the policy file."""

import datetime
import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from jindu.policy.registry import current_policy
from jindu.rectification.documents import _paragraph, chinese_date
from jindu.rectification.models import Designation, DesignationStatus
from jindu.supervision.models import Obligation

from .models import AccountabilityAction, ActionStatus, Inspection


def _save(doc) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _table(doc, header, rows):
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = str(text)
    return table


def briefing(listings, *, date_from: datetime.date, date_to: datetime.date) -> bytes:
    """禁毒重点整治地区情况通报 (art. 28) for the listings the caller may see."""
    policy = current_policy()
    article = policy.responsibilities.briefing_article
    doc = Document()
    _paragraph(
        doc,
        "关于全县禁毒重点整治地区毒情形势和禁毒工作情况的通报",
        size=22,
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        name="黑体",
    )
    _paragraph(
        doc,
        f"（{chinese_date(date_from)}至{chinese_date(date_to)}）",
        size=16,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    _paragraph(doc, "县委、县人民政府：", indent=False)
    active = [d for d in listings if d.status == DesignationStatus.ACTIVE]
    _paragraph(
        doc,
        f"根据{policy.short_title}{article}的规定，现将{chinese_date(date_to)}"
        f"全县禁毒重点整治地区情况通报如下。目前挂牌整治的乡镇（园区）和村（社区）"
        f"共{len(active)}个。",
    )
    _paragraph(doc, "一、挂牌整治地区", bold=True, name="黑体")
    _table(
        doc,
        ["单位", "级别", "类别", "挂牌日期", "期限至", "已延长"],
        [
            (
                d.org_unit.name,
                d.level_short_name(),
                "、".join(d.category_names()),
                d.listed_date,
                d.due_date,
                d.extensions_used,
            )
            for d in active
        ],
    )
    _paragraph(doc, "二、督导检查和工作事项", bold=True, name="黑体")
    ids = [str(d.pk) for d in listings]
    inspections = Inspection.objects.filter(
        designation__in=listings, date__range=(date_from, date_to)
    )
    _paragraph(doc, f"本期县禁毒委员会办公室开展督导检查{inspections.count()}次。")
    overdue = Obligation.objects.filter(
        source_model="rectification.Designation",
        source_id__in=ids,
        status="open",
        due_date__lt=date_to,
    )
    if overdue.exists():
        _table(
            doc,
            ["责任单位", "事项", "期限", "依据"],
            [
                (o.org_unit.name, o.get_kind_display(), o.due_date, "、".join(o.basis))
                for o in overdue.select_related("org_unit")
            ],
        )
    else:
        _paragraph(doc, "各挂牌地区的报告、检查和评定事项均已按期完成。")
    _paragraph(doc, "三、责任追究", bold=True, name="黑体")
    confirmed = AccountabilityAction.objects.filter(
        designation__in=listings,
        status=ActionStatus.CONFIRMED,
        decided_on__range=(date_from, date_to),
    )
    _paragraph(doc, f"本期确认责任追究措施{confirmed.count()}项。")
    _paragraph(doc, policy.issuer, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(doc, chinese_date(date_to), align=WD_ALIGN_PARAGRAPH.RIGHT)
    return _save(doc)


def accountability_report(actions, *, date_from: datetime.date, date_to: datetime.date) -> bytes:
    """禁毒重点整治工作责任追究情况报告 (art. 33) to the recipients named in the policy."""
    policy = current_policy()
    resp = policy.responsibilities
    doc = Document()
    _paragraph(
        doc,
        "关于禁毒重点整治工作责任追究情况的报告",
        size=22,
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        name="黑体",
    )
    _paragraph(doc, "、".join(resp.report_recipients) + "：", indent=False)
    _paragraph(
        doc,
        f"根据{policy.short_title}{resp.report_article}的规定，现将"
        f"{chinese_date(date_from)}至{chinese_date(date_to)}禁毒重点整治工作责任追究情况"
        f"报告如下：本期确认责任追究措施{len(actions)}项。",
    )
    _table(
        doc,
        ["单位", "对象", "措施", "依据", "决定日期", "文号"],
        [
            (
                a.org_unit.name,
                a.position.holder_name if a.position_id else "—",
                a.get_kind_display(),
                "、".join(a.basis),
                a.decided_on,
                a.decision_no,
            )
            for a in actions
        ],
    )
    _paragraph(doc, policy.issuer, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(doc, chinese_date(date_to), align=WD_ALIGN_PARAGRAPH.RIGHT)
    return _save(doc)


def interview_notice(action: AccountabilityAction) -> bytes:
    """约谈通知书 for a confirmed interview."""
    policy = action.policy
    position = action.position
    designation: Designation | None = action.designation
    doc = Document()
    _paragraph(doc, policy.issuer, size=26, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, name="宋体")
    _paragraph(doc, "约谈通知书", size=22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, name="黑体")
    _paragraph(doc, action.decision_no, align=WD_ALIGN_PARAGRAPH.CENTER)
    role = position.get_role_display() if position else ""
    _paragraph(
        doc, f"{position.holder_name if position else action.org_unit.name}同志：", indent=False
    )
    level = designation.level_name() if designation else ""
    _paragraph(
        doc,
        f"{action.org_unit.name}已被列为{level}{'乡镇（园区）' if designation else ''}。"
        f"根据{policy.short_title}{'、'.join(action.basis)}的规定，县禁毒委员会决定约谈"
        f"你作为该{'单位' if not designation else '乡镇（园区）'}禁毒工作{role}。"
        f"请按通知的时间、地点准时参加，并就本地毒品问题、整治措施和责任落实情况作出说明。",
    )
    if action.decision_reason:
        _paragraph(doc, action.decision_reason)
    _paragraph(doc, policy.issuer, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(
        doc,
        chinese_date(action.decided_on or datetime.date.today()),
        align=WD_ALIGN_PARAGRAPH.RIGHT,
    )
    return _save(doc)
