"""The public answer page is cheap: a POST after the phone's GET costs two statements (the
repeat-limit upsert and the answer's INSERT) in one transaction that does not wait for the
disk on PostgreSQL, with no per-answer cache round trips and no survey lookup (kept per
process for a few seconds). The
throughput itself is measured by bench/prevention.py --only survey (never asserted here)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

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
    monkeypatch.setattr(throttle, "purge_now", lambda: False)  # the 1-in-200 clean-up aside
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
    monkeypatch.setattr(throttle, "purge_now", lambda: True)
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
