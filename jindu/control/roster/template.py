"""The county's roster template (.xlsx): the columns the import reads, an example row it
skips, drop-down lists of the rule book's codes, and a sheet "说明" explaining each column."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from ..policy import control_policy
from .importer import (
    ADDRESS,
    DRUGS,
    FOUND,
    GENDER,
    HEADERS,
    ID_NUMBER,
    NAME,
    NOTES,
    PHONE,
    RISK,
    UNIT,
)

TEMPLATE_ROWS = 5000  # rows covered by the template's drop-down lists


def template_bytes() -> bytes:
    """The county's roster template: headers, an example row (skipped on import), drop-down
    lists, and a sheet "说明" explaining every column and code."""
    policy = control_policy()
    drug_names = [c.name for c in policy.code_list("drug_types")]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "吸毒人员名册"
    sheet.append(HEADERS)
    sheet.append(
        [
            "示例：王某某（本行为示例，导入时跳过）",
            "男",
            "18位，末位可为X",
            "某省某县某镇某村1号",
            "12位村（社区）编码或网格编码",
            "13800000000",
            "冰毒、海洛因",
            "2020-05-01",
            "可空",
            "低/中/高，可空",
        ]
    )
    bold = Font(bold=True)
    grey = Font(italic=True, color="808080")
    fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[1]:
        cell.font, cell.fill = bold, fill
    for cell in sheet[2]:
        cell.font = grey
    widths = (14, 8, 22, 30, 20, 16, 22, 16, 24, 12)
    for index, width in enumerate(widths):
        letter = chr(ord("A") + index)
        sheet.column_dimensions[letter].width = width
    # Numbers typed as text, so Excel neither rounds nor reformats them.
    last = TEMPLATE_ROWS + 2
    # The column style alone is not enough (Excel and WPS apply it only to cells they
    # create): every input cell of these columns is text, so an 18-digit number typed
    # there keeps its last digits.
    for letter in "CEF":
        sheet.column_dimensions[letter].number_format = "@"
        for row in range(2, last + 1):
            sheet[f"{letter}{row}"].number_format = "@"
    sheet.freeze_panes = "A2"
    gender = DataValidation(
        type="list",
        formula1='"{}"'.format(",".join(c.name for c in policy.code_list("gender"))),
        allow_blank=False,
        showErrorMessage=True,
        errorTitle="性别",
        error="请选择男或女。",
    )
    gender.add(f"B3:B{last}")
    # Several drug types go in one cell, so the list only suggests: any text is accepted.
    drugs = DataValidation(
        type="list",
        formula1='"{}"'.format(",".join(drug_names)),
        allow_blank=True,
        showErrorMessage=False,
        promptTitle="吸毒种类",
        prompt="可填多种，用顿号“、”分隔",
        showInputMessage=True,
    )
    drugs.add(f"G3:G{last}")
    risk = DataValidation(
        type="list",
        formula1='"低,中,高"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="风险等级",
        error="请选择低、中或高，或留空。",
    )
    risk.add(f"J3:J{last}")
    found = DataValidation(
        type="date",
        operator="greaterThan",
        formula1="1",
        allow_blank=False,
        showErrorMessage=False,
        promptTitle="初次发现日期",
        prompt="如 2020-05-01",
        showInputMessage=True,
    )
    found.add(f"H3:H{last}")
    for validation in (gender, drugs, risk, found):
        sheet.add_data_validation(validation)

    notes = workbook.create_sheet("说明")
    notes.append(["列", "是否必填", "填写说明"])
    for cell in notes[1]:
        cell.font, cell.fill = bold, fill
    explanations = [
        (NAME, "必填", "人员姓名，最多50字。"),
        (GENDER, "必填", "男 或 女，须与公民身份号码一致。"),
        (
            ID_NUMBER,
            "必填",
            "18位公民身份号码（GB 11643），末位可为X；校验位、出生日期和性别均会核对。"
            "请以文本格式填写，避免被Excel改为科学计数法。同一文件中不得重复。",
        ),
        (ADDRESS, "选填", "户籍地址，最多200字。"),
        (
            UNIT,
            "必填",
            "现居住的村（社区）12位编码或网格编码；也可填写您辖区内名称唯一的村（社区）或网格全称。"
            "须在您的管辖范围内。",
        ),
        (PHONE, "选填", "7至15位数字，如手机号13800000000。"),
        (DRUGS, "选填", "可填多种，用顿号“、”、逗号或分号分隔；可填中文名称或代码（见下表）。"),
        (FOUND, "必填", "日期单元格，或文本 2020-05-01、2020/05/01、2020年5月1日；不得晚于今天。"),
        (NOTES, "选填", "其他需要说明的情况。"),
        (RISK, "选填", "低、中 或 高；与当前风险等级不同时，按导入当日记录一次风险评估。"),
    ]
    for line in explanations:
        notes.append(list(line))
    notes.append([])
    notes.append(["吸毒种类代码", "中文名称"])
    for cell in notes[notes.max_row]:
        cell.font = bold
    for code in policy.code_list("drug_types"):
        notes.append([code.code, code.name])
    notes.append([])
    notes.append(["性别代码", "中文名称"])
    for cell in notes[notes.max_row]:
        cell.font = bold
    for code in policy.code_list("gender"):
        notes.append([code.code, code.name])
    notes.append([])
    notes.append(["风险等级", "中文名称"])
    for cell in notes[notes.max_row]:
        cell.font = bold
    for code in policy.code_list("risk_level"):
        notes.append([code.code, code.name])
    notes.append([])
    for rule in (
        "第2行为填写示例（姓名以“示例”开头），导入时自动跳过，可保留也可删除。",
        "默认“全部正确才导入”：任何一行有误则整表不导入，并列出每个错误行及原因；"
        "也可选择“仅导入正确的行”。",
        "重复导入同一文件不会产生重复记录；已登记人员按公民身份号码匹配，"
        "更新姓名、户籍地址、联系电话、现居住地和备注，吸毒种类合并；空白单元格不会清除已有信息。",
        "已在其他辖区登记的人员不能导入，请联系县禁毒办转移档案。",
        "本表含个人敏感信息，请妥善保管，导入后及时删除本地文件。",
    ):
        notes.append(["注意", "", rule])
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 18
    notes.column_dimensions["C"].width = 90
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
