"""Named actions (issue 10): what a user may do with a listing or an application is computed
once from the model's action map and its state; the page shows exactly that and the service
accepts exactly that, role by role."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse

from jindu.core.errors import NotAllowed, Refused
from jindu.rectification import services
from jindu.rectification.models import ApplicationStatus

D = datetime.date
ROLES = ["office_admin", "leader", "member", "township_a", "township_b", "station_a", "grid_a"]
NONE_MET = dict.fromkeys(
    ["leadership", "mechanisms", "groundwork", "education", "enforcement", "problem_relief"], False
)


class _Rollback(Exception):
    pass


def _accepted(call) -> bool:
    """Whether the service lets the actor act (a refusal on the merits still counts: the
    permission was granted); the effect is rolled back."""
    try:
        with transaction.atomic():
            call()
            raise _Rollback
    except NotAllowed:
        return False
    except (_Rollback, Refused):
        return True


@pytest.fixture
def listing(world):
    return services.record_decision(
        world.users["leader"],
        kind="list",
        date=D(2018, 6, 1),
        decision_no="衡禁毒委〔2018〕1号",
        org_unit=world.township_a,
        level="key_supervision",
        categories=["drug_abuse"],
        source="office_proposal",
    ).designation


def _try(user, action, designation):
    if action == "decide":
        return lambda: services.record_decision(
            user, kind="extend", date=D(2019, 5, 1), decision_no="2号", designation=designation
        )
    if action == "assess":
        return lambda: services.record_assessment(
            user, designation=designation, date=D(2019, 5, 1), conditions=NONE_MET
        )
    return lambda: services.submit_progress_report(
        user, designation=designation, period="2019-Q1", text="整治进展"
    )


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("action", ["decide", "assess", "report"])
def test_a_listings_actions_are_what_the_services_accept(world, listing, who, action):
    user = world.users[who]
    shown = services.listing_actions(user, listing)
    assert (action in shown) == _accepted(_try(user, action, listing))


def test_the_listing_page_shows_exactly_those_actions(world, listing, client):
    urls = {
        "decide": reverse("rectification:decide_change", args=[listing.pk]),
        "assess": reverse("rectification:assess", args=[listing.pk]),
        "report": reverse("rectification:report_create", args=[listing.pk]),
    }
    page = reverse("rectification:designation_detail", args=[listing.pk])
    for who in ("office_admin", "leader", "township_a", "station_a"):
        client.force_login(world.users[who])
        body = client.get(page).content.decode()
        shown = services.listing_actions(world.users[who], listing)
        assert {a for a, url in urls.items() if url in body} == set(shown) - {"view"}, who
    assert set(services.listing_actions(world.users["office_admin"], listing)) == {
        "view",
        "decide",
        "assess",
        "report",
    }
    assert services.listing_actions(world.users["township_b"], listing) == ()


@pytest.mark.parametrize("who", ROLES)
def test_an_applications_actions_are_what_the_service_accepts(world, listing, who):
    application = services.submit_application(
        world.users["township_a"],
        org_unit=world.township_a,
        kind="lift",
        year=2019,
        reasons="整治达标",
    )
    user = world.users[who]
    shown = services.application_actions(user, application)
    for action, status in (
        ("withdraw", ApplicationStatus.WITHDRAWN),
        ("decide", ApplicationStatus.REJECTED),
    ):
        accepted = _accepted(lambda s=status: services.close_application(user, application, s))
        assert (action in shown) == accepted, action
        application.refresh_from_db()
    assert ("withdraw" in shown) == (who == "township_a")
    assert ("decide" in shown) == (who in ("office_admin", "leader"))
    services.close_application(world.users["township_a"], application, ApplicationStatus.WITHDRAWN)
    application.refresh_from_db()
    assert services.application_actions(user, application) in ((), ("view",))
