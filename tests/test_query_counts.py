"""List pages and endpoints make a fixed number of queries, however many rows they show."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jindu.orgs import services as orgs
from jindu.rectification import services as rectification
from jindu.supervision import services as supervision

LIST_URLS = [
    "/api/v1/org-units/",
    "/api/v1/positions/",
    "/api/v1/designations/",
    "/api/v1/decisions/",
    "/api/v1/obligations/",
    "/api/v1/accountability-actions/",
    "/api/v1/applications/",
    "/orgs/",
    "/orgs/positions/?history=on",
    "/rectification/",
    "/supervision/",
    "/accountability/",
    "/audit/",
]


def grow(world, n: int, start: int) -> None:
    """Add ``n`` townships, each listed, with a leader."""
    for i in range(start, start + n):
        township = orgs.create_unit(
            None,
            code=f"430421{200 + i:03d}000",
            name=f"新增镇{i}",
            kind="township",
            parent=world.county,
        )
        orgs.appoint(
            None,
            org_unit=township,
            role="first_responsible",
            holder_name=f"某{i}",
            start_date=datetime.date(2015, 1, 1),
        )
        rectification.record_decision(
            None,
            kind="list",
            date=datetime.date(2021, 6, 1),
            decision_no=f"{i}号",
            org_unit=township,
            level="key_rectification",
            categories=["drug_abuse"],
            source="office_proposal",
        )
    supervision.generate_obligations(
        None, datetime.date(2021, 12, 31), since=datetime.date(2021, 1, 1)
    )


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


@pytest.mark.parametrize("url", LIST_URLS)
def test_query_count_does_not_grow_with_rows(world, client, api_as, url):
    user = world.users["office_admin"]
    agent = api_as(user) if url.startswith("/api/") else client
    if agent is client:
        client.force_login(user)
    grow(world, 2, 0)
    few = count(agent, url)
    grow(world, 8, 2)
    many = count(agent, url)
    assert many <= few, (url, few, many)
