"""Chinese is the working language; English is complete and selectable."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

from conftest import PASSWORD

# The site catalogue and every area's own (settings.LOCALE_PATHS).
POS = [Path(base) / "zh_Hans" / "LC_MESSAGES" / "django.po" for base in settings.LOCALE_PATHS]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def chinese_entries():
    return [e for po in POS if po.exists() for e in polib.pofile(str(po)) if not e.obsolete]


def test_every_string_has_a_chinese_translation():
    untranslated = [e.msgid for e in chinese_entries() if not e.translated()]
    assert not untranslated, untranslated


def test_translations_keep_their_placeholders():
    wrong = []
    for entry in chinese_entries():
        pairs = (
            [(entry.msgid, entry.msgstr)]
            if not entry.msgid_plural
            else [(entry.msgid_plural, entry.msgstr_plural[0])]
        )
        for source, translated in pairs:
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translated)):
                wrong.append(source)
    assert not wrong, wrong


@pytest.mark.django_db
def test_login_page_is_chinese_by_default(client):
    response = client.get("/login/")
    assert response.status_code == 200
    assert "登录" in response.content.decode()
    assert 'lang="zh-hans"' in response.content.decode()


def test_the_language_switch_gives_english(world, client):
    client.post("/login/", {"username": "office_admin", "password": PASSWORD})
    assert "组织机构" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/orgs/").content.decode()
    assert "Organisation" in page and "组织机构" not in page
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "组织机构" in client.get("/orgs/").content.decode()


def test_form_errors_are_shown_in_chinese_next_to_the_field(world, client):
    client.force_login(world.users["office_admin"])
    response = client.post(
        f"/orgs/{world.township_a.pk}/positions/new/",
        {"role": "first_responsible", "holder_name": "", "start_date": "2025-01-01"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="field-error"' in page
    assert "该字段是必填项。" in page
