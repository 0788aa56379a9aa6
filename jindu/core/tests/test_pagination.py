"""List pages count exactly while small and show PostgreSQL's estimate, saying "约", past
``JINDU_EXACT_COUNT_UP_TO`` (core.pagination)."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from jindu.core import pagination
from jindu.core.pagination import EstimatingPaginator


@pytest.fixture
def groups(db):
    Group.objects.bulk_create([Group(name=f"组{i:03d}") for i in range(60)])
    return Group.objects.order_by("name")


def test_a_small_list_is_counted_exactly(groups):
    paginator = EstimatingPaginator(groups, 25)
    assert paginator.count == 60 and not paginator.estimated
    assert paginator.num_pages == 3


def test_past_the_threshold_the_count_is_the_planners_estimate(groups, settings):
    settings.JINDU_EXACT_COUNT_UP_TO = 0
    paginator = EstimatingPaginator(groups, 25)
    paginator.count  # noqa: B018
    # PostgreSQL estimates; SQLite has no estimate and counts.
    assert paginator.estimated is (connection.vendor == "postgresql")
    if connection.vendor == "postgresql":
        assert pagination.planner_estimate(groups) == paginator.count > 0


def test_the_page_says_about_when_the_count_is_estimated(groups, monkeypatch):
    monkeypatch.setattr(pagination, "planner_estimate", lambda queryset: 50_000)
    paginator = EstimatingPaginator(groups, 25)
    page = paginator.get_page(1)
    assert paginator.estimated and paginator.count == 50_000 and len(page) == 25
    request = RequestFactory().get("/")
    with translation.override("zh-hans"):
        html = render_to_string("includes/pagination.html", {"page": page, "request": request})
    assert "约 50000 条" in html and "约 2000 页" in html


def test_a_short_page_makes_the_estimated_count_exact(groups, monkeypatch):
    monkeypatch.setattr(pagination, "planner_estimate", lambda queryset: 50_000)
    paginator = EstimatingPaginator(groups.filter(name__startswith="组05"), 25)
    page = paginator.get_page(1)
    assert len(page) == 10
    assert paginator.count == 10 and not paginator.estimated and paginator.num_pages == 1


def test_pages_past_a_low_estimate_stay_reachable(groups, monkeypatch):
    # The planner guessed 20 000 000 / 25 000: a page past its estimated last page still opens.
    monkeypatch.setattr(pagination, "planner_estimate", lambda queryset: 30)
    monkeypatch.setattr(pagination, "exact_count_up_to", lambda: 10)
    paginator = EstimatingPaginator(groups, 25)
    assert paginator.estimated is False or paginator.num_pages == 2
    page = paginator.page(3)
    assert len(page) == 10 and paginator.count == 60 and not paginator.estimated


def test_a_page_past_a_high_estimate_counts_exactly(groups, monkeypatch):
    monkeypatch.setattr(pagination, "planner_estimate", lambda queryset: 50_000)
    paginator = EstimatingPaginator(groups, 25)
    page = paginator.get_page(40)  # empty: the list has 60 rows, so the last page shows
    assert page.number == 3 and len(page) == 10
    assert paginator.count == 60 and not paginator.estimated


def test_the_api_says_when_its_count_is_an_estimate(db, monkeypatch):
    """The API's lists page with the same paginator: a big list's ``count`` is the planner's
    estimate, flagged by ``count_estimated``; a small one is exact."""
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from jindu.api.pagination import StandardPagination

    Group.objects.bulk_create([Group(name=f"组{i:03d}") for i in range(30)])
    groups = Group.objects.order_by("name")
    request = Request(APIRequestFactory().get("/api/v1/x/", {"page": 2, "page_size": 10}))

    exact = StandardPagination()
    rows = exact.paginate_queryset(groups, request)
    body = exact.get_paginated_response([g.name for g in rows]).data
    assert body["count"] == 30 and body["count_estimated"] is False and len(rows) == 10

    monkeypatch.setattr(pagination, "planner_estimate", lambda queryset: 50_000)
    estimated = StandardPagination()
    rows = estimated.paginate_queryset(groups, request)
    body = estimated.get_paginated_response([g.name for g in rows]).data
    assert body["count"] == 50_000 and body["count_estimated"] is True
    assert body["next"] and len(rows) == 10
