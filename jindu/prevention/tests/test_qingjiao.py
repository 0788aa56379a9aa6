"""青骄第二课堂 figures from the platform's exported workbook."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from jindu.core.errors import Refused
from jindu.prevention import services
from jindu.prevention.models import QingjiaoFigures

pytestmark = pytest.mark.django_db


def workbook(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(list(services.QINGJIAO_COLUMNS))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("qingjiao.xlsx", out.getvalue())


def test_figures_import_and_show_the_registration_rate(world, school_a):
    count = services.import_qingjiao(
        world.users["member"],
        workbook([["甲镇中心小学", "2019-2020", 400, 380, 350, 300, 40, 86.5]]),
        "2019-2020",
    )
    assert count == 1
    figures = QingjiaoFigures.objects.get(school=school_a)
    assert figures.registration_rate == 95.0 and figures.participation_rate == 87.5


def test_a_file_with_a_bad_row_imports_nothing_and_names_the_row(world, school_a):
    with pytest.raises(Refused) as caught:
        services.import_qingjiao(
            world.users["member"],
            workbook(
                [
                    ["甲镇中心小学", "2019-2020", 400, 380, 350, 300, 40, 86.5],
                    ["不存在的学校", "2019-2020", 100, 90, 80, 70, 5, 80],
                    ["甲镇中心小学", "2019-2020", 100, 190, 80, 70, 5, 80],
                ]
            ),
            "2019-2020",
        )
    assert "第3行" in str(caught.value.message) and "第4行" in str(caught.value.message)
    assert not QingjiaoFigures.objects.exists()
