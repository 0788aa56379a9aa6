"""Word documents of accountability: the briefing to the county party committee and
government (art. 28), the accountability report (art. 33) and the interview notice (约谈通知书).
Everything comes from the records and the policy file."""

import datetime
import io

from jindu.core.documents import chinese_date
from jindu.core.scoping import VIEW
from jindu.documents import gongwen
from jindu.policy.registry import current_policy
from jindu.rectification.models import Designation, DesignationStatus
from jindu.supervision.models import Obligation, ObligationStatus

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


BRIEFING_TITLE = "关于全县禁毒重点整治地区毒情形势和禁毒工作情况的通报"
REPORT_TITLE = "关于禁毒重点整治工作责任追究情况的报告"


def _visible(model, user):
    """What ``user`` may see of ``model``; the system itself (no user) sees everything."""
    return model.objects.all() if user is None else model.objects.restrict(user, VIEW)


def unfulfilled_past_due(user, listings, on: datetime.date):
    """Every obligation of the listings still unfulfilled after its due date on ``on``
    (open or already marked overdue by the daily job), read through the scoping layer."""
    return (
        _visible(Obligation, user)
        .filter(
            source_model="rectification.Designation",
            source_id__in=[str(d.pk) for d in listings],
            status__in=[ObligationStatus.OPEN, ObligationStatus.OVERDUE],
            due_date__lt=on,
        )
        .select_related("org_unit")
        .order_by("due_date", "org_unit__path", "kind")
    )


def briefing(user, listings, *, date_from: datetime.date, date_to: datetime.date) -> bytes:
    """禁毒重点整治地区情况通报 (art. 28) for the listings the caller may see; every count is
    read through the scoping layer as ``user``."""
    policy = current_policy()
    article = policy.responsibilities.briefing_article
    active = [d for d in listings if d.status == DesignationStatus.ACTIVE]
    inspections = _visible(Inspection, user).filter(
        designation__in=listings, date__range=(date_from, date_to)
    )
    overdue = list(unfulfilled_past_due(user, listings, date_to))
    confirmed = _visible(AccountabilityAction, user).filter(
        designation__in=listings,
        status=ActionStatus.CONFIRMED,
        decided_on__range=(date_from, date_to),
    )

    def body(doc):
        gongwen.paragraph(
            doc,
            f"根据{policy.short_title}{article}的规定，现将{chinese_date(date_from)}至"
            f"{chinese_date(date_to)}全县禁毒重点整治地区毒情形势和禁毒工作情况通报如下。"
            f"目前挂牌整治的乡镇（园区）和村（社区）共{len(active)}个。",
        )
        gongwen.heading(doc, "一、挂牌整治地区")
        gongwen.table(
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
        gongwen.heading(doc, "二、督导检查和工作事项")
        gongwen.paragraph(doc, f"本期县禁毒委员会办公室开展督导检查{inspections.count()}次。")
        if overdue:
            gongwen.paragraph(
                doc, f"截至{chinese_date(date_to)}，逾期未完成的事项共{len(overdue)}项："
            )
            gongwen.table(
                doc,
                ["责任单位", "事项", "期限", "依据"],
                [
                    (o.org_unit.name, o.get_kind_display(), o.due_date, "、".join(o.basis))
                    for o in overdue
                ],
            )
        else:
            gongwen.paragraph(doc, "各挂牌地区的报告、检查和评定事项均已按期完成。")
        gongwen.heading(doc, "三、责任追究")
        gongwen.paragraph(doc, f"本期确认责任追究措施{confirmed.count()}项。")

    return gongwen.render(
        {
            "letterhead": f"{policy.issuer}文件",
            "title": BRIEFING_TITLE,
            "recipient": "县委、县人民政府：",
            "signature": policy.issuer,
            "date": chinese_date(date_to),
            "cc": "、".join(r for r in policy.responsibilities.report_recipients[2:]),
            "printer": policy.office,
            "print_date": chinese_date(date_to),
        },
        body,
    )


def accountability_report(actions, *, date_from: datetime.date, date_to: datetime.date) -> bytes:
    """禁毒重点整治工作责任追究情况报告 (art. 33) to the recipients named in the policy."""
    policy = current_policy()
    resp = policy.responsibilities

    def body(doc):
        gongwen.paragraph(
            doc,
            f"根据{policy.short_title}{resp.report_article}的规定，现将"
            f"{chinese_date(date_from)}至{chinese_date(date_to)}禁毒重点整治工作责任追究情况"
            f"报告如下：本期确认责任追究措施{len(actions)}项。",
        )
        gongwen.table(
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

    return gongwen.render(
        {
            "letterhead": f"{policy.issuer}文件",
            "title": REPORT_TITLE,
            "recipient": "、".join(resp.report_recipients) + "：",
            "signature": policy.issuer,
            "date": chinese_date(date_to),
            "printer": policy.office,
            "print_date": chinese_date(date_to),
        },
        body,
    )


def interview_notice(action: AccountabilityAction) -> bytes:
    """约谈通知书 for a confirmed interview."""
    policy = action.policy
    position = action.position
    designation: Designation | None = action.designation
    role = position.get_role_display() if position else ""
    level = designation.level_name() if designation else ""
    day = action.decided_on or datetime.date.today()

    def body(doc):
        gongwen.paragraph(
            doc,
            f"{action.org_unit.name}已被列为{level}{'乡镇（园区）' if designation else ''}。"
            f"根据{policy.short_title}{'、'.join(action.basis)}的规定，县禁毒委员会决定约谈"
            f"你作为该{'单位' if not designation else '乡镇（园区）'}禁毒工作{role}。"
            f"请按通知的时间、地点准时参加，并就本地毒品问题、整治措施和责任落实情况作出说明。",
        )
        if action.decision_reason:
            gongwen.paragraph(doc, action.decision_reason)

    return gongwen.render(
        {
            "letterhead": f"{policy.issuer}文件",
            "number": action.decision_no,
            "title": "约谈通知书",
            "recipient": f"{position.holder_name if position else action.org_unit.name}同志：",
            "signature": policy.issuer,
            "date": chinese_date(day),
            "cc": action.org_unit.name + "党委、政府",
            "printer": policy.office,
            "print_date": chinese_date(day),
        },
        body,
    )
