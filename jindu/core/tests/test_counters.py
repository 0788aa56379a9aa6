"""The shared fixed-window counters behind the API's rate limits (issue 16, item 6): one
upsert per event, counted per key, restarted after the window."""

import datetime

import pytest
from django.utils import timezone

from jindu.core import counters
from jindu.core.models import RateCounter

pytestmark = pytest.mark.django_db


def test_counts_per_key_within_the_window(monkeypatch):
    monkeypatch.setattr(counters, "purge_now", lambda: False)
    before = timezone.now()
    first = [counters.hit(RateCounter, "a", 60) for _ in range(3)]
    assert [count for count, _ in first] == [1, 2, 3]
    # The window is fixed: it ends a minute after the first event, whatever came later.
    ends = {end for _, end in first}
    assert len(ends) == 1
    (end,) = ends
    assert (
        before + datetime.timedelta(seconds=59)
        < end
        <= timezone.now() + datetime.timedelta(seconds=60)
    )
    assert counters.hit(RateCounter, "b", 60)[0] == 1


def test_a_new_window_starts_after_the_old_one_ends(monkeypatch):
    monkeypatch.setattr(counters, "purge_now", lambda: False)
    counters.hit(RateCounter, "a", 60)
    counters.hit(RateCounter, "a", 60)
    RateCounter.objects.filter(key="a").update(
        expires=timezone.now() - datetime.timedelta(seconds=1)
    )
    count, end = counters.hit(RateCounter, "a", 60)
    assert count == 1 and end > timezone.now() + datetime.timedelta(seconds=50)


def test_one_event_in_a_while_deletes_expired_counters(monkeypatch):
    counters.hit(RateCounter, "old", 60)
    RateCounter.objects.update(expires=timezone.now() - datetime.timedelta(seconds=1))
    monkeypatch.setattr(counters, "purge_now", lambda: True)
    counters.hit(RateCounter, "new", 60)
    assert list(RateCounter.objects.values_list("key", flat=True)) == ["new"]
