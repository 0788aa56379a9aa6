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
        notes="特殊情况：专项打击尚未结束",
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


OFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def test_the_decision_is_a_gongwen_with_its_fonts_named_as_the_standard_names_them(decision):
    """GB/T 9704-2012: red 发文机关标志, red separator under the number, body in 仿宋_GB2312
    3号 at 28-point fixed spacing, 版记 with 抄送 and 印发; the fonts named as the standard names
    them, with fallbacks in the font table."""
    import zipfile

    content = documents.listing_decision(decision)
    archive = zipfile.ZipFile(io.BytesIO(content))
    xml = archive.read("word/document.xml").decode()
    fonts = archive.read("word/fontTable.xml").decode()
    assert "衡阳县禁毒委员会文件" in text_of(content)
    assert 'w:color w:val="E60012"' in xml  # the red letterhead
    assert 'w:bottom w:val="single" w:sz="16" w:space="1" w:color="E60012"' in xml
    assert 'w:eastAsia="仿宋_GB2312"' in xml and 'w:sz w:val="32"' in xml  # 3号 = 16 pt
    assert 'w:lineRule="exact" w:line="560"' in xml  # 28 pt fixed
    assert 'w:name="仿宋_GB2312"' in fonts and 'w:val="FangSong"' in fonts
    text = text_of(content)
    assert "抄送：" in text and "县禁毒委员会办公室" in text and "印发" in text


@pytest.mark.skipif(OFFICE is None, reason="LibreOffice is not installed")
def test_the_document_renders_in_libreoffice_with_its_pages_and_text(decision, tmp_path):
    source = tmp_path / "decision.docx"
    source.write_bytes(documents.listing_decision(decision))
    subprocess.run(
        [OFFICE, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=240,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    pdf = tmp_path / "decision.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftotext) is not installed")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(next(line for line in info.stdout.splitlines() if line.startswith("Pages:"))[6:])

    def page_text(first: int, last: int) -> str:
        out = tmp_path / f"p{first}.txt"
        subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-f", str(first), "-l", str(last), str(pdf), str(out)],
            check=True,
            timeout=60,
        )
        # Text extraction breaks lines and may space out mixed Latin/CJK runs.
        return "".join(out.read_text(encoding="utf-8").split())

    first = page_text(1, 1)
    assert "衡阳县禁毒委员会文件" in first and "衡禁毒委〔2018〕7号" in first
    assert "关于将甲镇列为县禁毒委员会重点整治乡镇" in first
    whole = page_text(1, pages)
    assert "2018年6月1日起至2020年6月1日止" in whole
    annex_page = next(n for n in range(1, pages + 1) if "附件：" in page_text(n, n))
    # The decision fills its own pages; the cited articles start on a new page after it.
    assert annex_page >= 2 and "2018年6月1日" in page_text(annex_page - 1, annex_page - 1)
    assert "继续挂牌整治" in page_text(annex_page, pages)  # the annex quotes art. 13
    assert "印发" in page_text(pages, pages)  # the 版记 closes the last page
    assert 3 <= pages <= 6, pages
