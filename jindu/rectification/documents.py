"""The listing decision as a 公文 (GB/T 9704-2012, template in jindu/documents).

Everything printed comes from the decision, its listing and the policy file: the title of the
Measures, the articles applied and their text, the period and the duties that follow.
"""

import datetime

from jindu.core.documents import chinese_date
from jindu.documents import gongwen

from .models import Decision, DecisionKind

TITLES = {
    DecisionKind.LIST: "关于将{unit}列为{level}{kind}的决定",
    DecisionKind.EXTEND: "关于延长{unit}{short}期限的决定",
    DecisionKind.LOWER: "关于降低{unit}禁毒整治级别的决定",
    DecisionKind.LIFT: "关于取消{unit}{short}的决定",
    DecisionKind.CONTINUE: "关于对{unit}继续挂牌整治的决定",
}


def listing_decision(decision: Decision) -> bytes:
    designation = decision.designation
    policy = designation.policy
    unit = designation.org_unit
    state = decision.state_after
    level = policy.level(state.get("level", designation.level))
    unit_kind = "村（社区）" if unit.level == "village" else "乡镇（园区）"

    basis = "、".join(decision.basis)
    # Everything about the listing is read from the state this decision left it in, never
    # from the listing as it is today (a later extension must not rewrite this document).
    period_start = _day(state.get("period_start")) or designation.period_start
    due_date = _day(state.get("due_date")) or designation.due_date
    extensions_used = state.get("extensions_used", 0)
    categories_codes = state.get("categories") or designation.categories
    period = f"{chinese_date(period_start)}起至{chinese_date(due_date)}止"
    if decision.kind == DecisionKind.LIST:
        categories = "、".join(
            (c.name if (c := policy.category(code)) else code) for code in categories_codes
        )
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
            f"{_months(level.extension_months)}，整治期限至{chinese_date(due_date)}"
            f"止（已延长{extensions_used}次）。"
        )
    elif decision.kind == DecisionKind.LOWER:
        body = (
            f"经评估，你{_short_kind(unit)}同时符合{policy.short_title}"
            f"{policy.rule_article('lower_lift_article')}规定的各项条件。"
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
            f"期限至{chinese_date(due_date)}止。"
        )
    paragraphs = [body]
    if decision.kind != DecisionKind.LIFT:
        paragraphs.append("请你们按照以下要求抓好整治工作：")
        for number, line in enumerate(_requirements(policy, unit, level), start=1):
            paragraphs.append(f"{_numeral(number)}、{line}")
    if decision.notes:
        paragraphs.append(decision.notes)

    def write_body(container):
        for text in paragraphs:
            gongwen.paragraph(container, text)

    cited = [n for n in dict.fromkeys(decision.basis) if n in policy.articles]

    def write_annex(container):
        gongwen.paragraph(
            container, f"附件：{policy.short_title}相关条款", name=gongwen.HEITI, indent=False
        )
        for number in cited:
            gongwen.paragraph(container, f"{number}　{policy.articles[number].text}")

    return gongwen.render(
        {
            "letterhead": f"{policy.issuer}文件",
            "number": decision.decision_no,
            "title": decision_title(decision),
            "recipient": f"{unit.name}党委、政府：",
            "signature": policy.issuer,
            "date": chinese_date(decision.date),
            "cc": "、".join(policy.responsibilities.report_recipients),
            "printer": policy.office,
            "print_date": chinese_date(decision.date),
            "annex": write_annex if cited else None,
        },
        write_body,
    )


def _day(value):
    return datetime.date.fromisoformat(value) if value else None


def decision_title(decision: Decision) -> str:
    designation = decision.designation
    policy = designation.policy
    unit = designation.org_unit
    level = policy.level((decision.state_after or {}).get("level", designation.level))
    unit_kind = "村（社区）" if unit.level == "village" else "乡镇（园区）"
    return TITLES[decision.kind].format(
        unit=unit.name,
        level=level.name if level else "",
        kind=unit_kind,
        short=level.short_name if level else "禁毒重点整治",
    )


def _requirements(policy, unit, level) -> list[str]:
    lines = []
    for rule in policy.listing_obligations:
        owner = "你们" if rule.owner == "listed_unit" else policy.office
        lines.append(f"{owner}须按期完成“{rule.name}”（{rule.article}）。")
    for consequence in policy.consequences:
        if (
            consequence.when == "listed"
            and level
            and level.code in consequence.levels
            and unit.level in consequence.unit_levels
        ):
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
