"""The office changes a letterhead or wording in the Word template, without code."""

import io
import zipfile

from docx import Document

from jindu.documents import gongwen


def render_text(**context) -> str:
    content = gongwen.render(
        {"letterhead": "衡阳县禁毒委员会文件", "title": "关于测试的通知", **context},
        lambda body: gongwen.paragraph(body, "正文第一段。"),
    )
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def test_the_template_fills_the_parts_of_a_gongwen():
    text = render_text(
        number="衡禁毒委〔2026〕1号", recipient="各乡镇：", cc="县委", printer="县禁毒办"
    )
    for part in (
        "衡阳县禁毒委员会文件",
        "衡禁毒委〔2026〕1号",
        "关于测试的通知",
        "各乡镇：",
        "正文第一段。",
    ):
        assert part in text
    assert "抄送：县委" in text and "县禁毒办" in text


def test_a_countys_own_template_is_used_without_code(settings, tmp_path):
    source = zipfile.ZipFile(gongwen.TEMPLATE_DIR / "gongwen.docx")
    target = tmp_path / "gongwen.docx"
    with zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace("抄送：".encode(), "分送：".encode())
            out.writestr(item, data)
    settings.JINDU_DOCUMENT_TEMPLATES = str(tmp_path)
    text = render_text(cc="县委")
    assert "分送：县委" in text and "抄送" not in text
