"""The listing decision prints as a Word document built from the records."""

import datetime
import io
import shutil
import subprocess

import pytest
from docx import Document

from jindu.rectification import documents, services


@pytest.fixture
def decision(world):
    return services.record_decision(
        world.users["leader"],
        kind="list",
        date=datetime.date(2018, 6, 1),
        decision_no="衡禁毒委〔2018〕7号",
        org_unit=world.township_a,
        level="key_rectification",
        categories=["outbound_trafficking", "drug_abuse"],
        source="office_proposal",
    )


def text_of(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def test_the_listing_decision_names_unit_level_period_and_articles(decision):
    text = text_of(documents.listing_decision(decision))
    assert "衡禁毒委〔2018〕7号" in text
    assert "关于将甲镇列为县禁毒委员会重点整治乡镇（园区）的决定" in text
    assert "外流贩毒突出、毒品滥用严重" in text
    assert "2018年6月1日起至2020年6月1日止" in text
    assert "第十三条" in text and "第十六条" in text
    assert "整治工作进展年度报告" in text  # the duties the listing creates (art. 18)
    assert "约谈" in text  # art. 29
    assert "继续挂牌整治" in text  # the annex quotes art. 13


def test_an_extension_prints_its_own_decision(world, decision):
    extension = services.record_decision(
        world.users["leader"],
        kind="extend",
        date=datetime.date(2020, 5, 20),
        decision_no="衡禁毒委〔2020〕3号",
        designation=decision.designation,
    )
    text = text_of(documents.listing_decision(extension))
    assert "关于延长甲镇重点整治期限的决定" in text
    assert "2021年6月1日" in text


def test_office_downloads_the_word_file_and_outsiders_cannot(world, client, decision):
    client.force_login(world.users["office_admin"])
    url = f"/rectification/decisions/{decision.pk}/document.docx"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "衡禁毒委〔2018〕7号" in text_of(response.content)
    client.force_login(world.users["township_b"])
    assert client.get(url).status_code == 404


@pytest.mark.skipif(not shutil.which("libreoffice"), reason="LibreOffice is not installed")
def test_the_document_opens_in_libreoffice_and_converts_to_pdf(decision, tmp_path):
    source = tmp_path / "decision.docx"
    source.write_bytes(documents.listing_decision(decision))

    def convert(target: str) -> None:
        subprocess.run(
            [
                "libreoffice",
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                str(tmp_path),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
            env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        )

    convert("pdf")
    pdf = tmp_path / "decision.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf)], check=True, timeout=60)
        text = (tmp_path / "decision.txt").read_text(encoding="utf-8")
    else:
        convert("txt:Text (encoded):UTF8")
        text = (tmp_path / "decision.txt").read_text(encoding="utf-8-sig")
    assert "衡禁毒委〔2018〕7号" in text
    assert "第十三条" in text
