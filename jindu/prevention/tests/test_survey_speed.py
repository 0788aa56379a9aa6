"""The public answer page is cheap: a POST after the phone's GET costs two statements (the
repeat-limit upsert and the answer's INSERT) in one transaction that does not wait for the
disk on PostgreSQL, with no per-answer cache round trips and no survey lookup (kept per
process for a few seconds). The
throughput itself is measured by bench/prevention.py --only survey (never asserted here)."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jindu.core import counters
from jindu.prevention import throttle
from jindu.prevention.models import AnswerThrottle, SurveyResponse
from jindu.prevention.web import links
from jindu.prevention.web import survey as survey_views

from .conftest import ANSWERS


@pytest.fixture
def public_cache(monkeypatch):
    monkeypatch.setattr(survey_views, "PUBLIC_TTL", 30.0)
    survey_views._public_cache.clear()
    yield
    survey_views._public_cache.clear()


def test_a_public_answer_costs_two_statements(world, client, survey, public_cache, monkeypatch):
    monkeypatch.setattr(counters, "purge_now", lambda: False)  # the 1-in-200 clean-up aside
    url = links.answer_url(survey, world.township_a)
    assert client.get(url).status_code == 200
    data = {code: str(value) for code, value in ANSWERS.items()}
    with CaptureQueriesContext(connection) as queries:
        answered = client.post(url, data)
    assert "答卷已收到" in answered.content.decode()
    # Transaction control is not work (in a test the transaction is a savepoint).
    control = ("BEGIN", "COMMIT", "SET LOCAL", "SAVEPOINT", "RELEASE SAVEPOINT")
    statements = [q["sql"] for q in queries if not q["sql"].startswith(control)]
    assert len(statements) == 2, statements
    assert "ON CONFLICT" in statements[0] and "surveyresponse" in statements[1]
    assert SurveyResponse.objects.count() == 1


def test_one_answer_in_a_while_deletes_the_expired_rows(db, monkeypatch):
    throttle.hit("old" + "0" * 61, 60)
    AnswerThrottle.objects.update(expires=timezone.now() - datetime.timedelta(seconds=1))
    monkeypatch.setattr(counters, "purge_now", lambda: True)
    throttle.hit("new" + "0" * 61, 60)
    assert list(AnswerThrottle.objects.values_list("key", flat=True)) == ["new" + "0" * 61]


def test_the_limit_counts_per_connection_and_restarts_after_the_window(db):
    assert [throttle.hit("a" * 64, 60) for _ in range(3)] == [1, 2, 3]
    assert throttle.hit("b" * 64, 60) == 1
    AnswerThrottle.objects.filter(key="a" * 64).update(
        expires=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert throttle.hit("a" * 64, 60) == 1
    row = AnswerThrottle.objects.get(key="a" * 64)
    assert row.expires > timezone.now() + datetime.timedelta(seconds=50)


def test_the_stored_key_is_a_salted_hash_not_the_address(world, client, survey):
    url = links.answer_url(survey, world.township_a)
    data = {code: str(value) for code, value in ANSWERS.items()}
    client.post(url, data, REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="Phone/1")
    [row] = AnswerThrottle.objects.all()
    assert len(row.key) == 64 and "10.1.2.3" not in row.key
    assert row.count == 1


def _questions_part(html: str) -> str:
    return html[html.index('<fieldset class="question') : html.rindex("</fieldset>")]


def test_the_first_view_renders_the_questions_once_per_process(world, client, survey, monkeypatch):
    survey_views._forms.clear()
    url = links.answer_url(survey, world.township_a)
    first = client.get(url).content.decode()
    # Every question with its whole scale, as radio buttons that work without JavaScript.
    for question in survey.questions:
        for value in range(1, len(question["scale"]) + 1):
            assert f'name="{question["code"]}" value="{value}"' in first
    calls = []
    real = survey_views.render_to_string
    monkeypatch.setattr(
        survey_views, "render_to_string", lambda *a, **k: calls.append(a) or real(*a, **k)
    )
    second = client.get(url, REMOTE_ADDR="10.9.9.9").content.decode()
    assert calls == [] and _questions_part(second) == _questions_part(first)


def test_changed_questions_are_shown_once_the_survey_is_read_again(world, client, survey):
    # The survey itself is kept PUBLIC_TTL seconds per process (0 in the tests); the rendered
    # questions are keyed by the questions, so they follow the survey as soon as it is read.
    url = links.answer_url(survey, world.township_a)
    client.get(url)
    questions = [dict(q) for q in survey.questions]
    questions[0]["text"] = "您对本乡镇禁毒工作的总体评价（新）"
    type(survey).objects.filter(pk=survey.pk).update(questions=questions)
    assert "（新）" in client.get(url).content.decode()


def test_a_refused_answer_shows_what_was_chosen_and_what_is_missing(world, client, survey):
    url = links.answer_url(survey, world.township_a)
    client.get(url)
    partial = {code: str(value) for code, value in list(ANSWERS.items())[1:]}
    page = client.post(url, partial).content.decode()
    first, second = survey.questions[0]["code"], survey.questions[1]["code"]
    assert 'class="field-error"' in page and first not in partial
    chosen = re.search(rf'<input[^>]*name="{second}"[^>]*value="{ANSWERS[second]}"[^>]*>', page)
    assert chosen and "checked" in chosen[0], chosen
    assert SurveyResponse.objects.count() == 0
