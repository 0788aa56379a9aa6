"""The demo county comes with listings at every stage, built through the services."""

import datetime

import pytest

from jindu.accountability.models import AccountabilityAction
from jindu.orgs.demo import load_demo
from jindu.rectification.demo import load_demo_listings
from jindu.rectification.models import Application, Designation
from jindu.supervision.models import Obligation


@pytest.mark.django_db
def test_demo_listings_show_each_stage_and_load_once():
    load_demo()
    assert load_demo_listings(datetime.date(2026, 11, 28)) == 5
    statuses = sorted(Designation.objects.values_list("status", flat=True))
    assert statuses == ["active", "active", "active", "active", "lifted"]
    assert Designation.objects.filter(org_unit__level="village").count() == 1
    assert Application.objects.filter(status="submitted").count() == 2
    # The township whose extension ran out in June 2026 has its article 31 proposal.
    assert AccountabilityAction.objects.filter(kind="demotion_or_dismissal").exists()
    assert Obligation.objects.filter(kind="annual_inspection").exists()
    assert load_demo_listings(datetime.date(2026, 11, 28)) == 0
