"""Papers that expire soon: the station and the regulators are reminded from the rule
book's months before the end (re-filing window), once per paper."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from . import rules
from .models import ChemicalLicence
from .notify import _recipients
from .policy import national_policy


def remind_expiring(today: datetime.date) -> int:
    from jindu.supervision.reminders import notify

    law = national_policy()
    horizon = rules.add_months(today, law.renew_months_before)
    sent = 0
    expiring = ChemicalLicence.objects.filter(
        kind__in=law.renewable_kinds, valid_to__gte=today, valid_to__lte=horizon
    ).select_related("enterprise")
    for licence in expiring.iterator(chunk_size=1000):
        enterprise = licence.enterprise
        sent += notify(
            _recipients({enterprise.station_id}, {enterprise.sector}),
            key=f"precursor-expiry:{licence.pk}",
            text=_("%(name)s: %(kind)s %(number)s expires on %(date)s")
            % {
                "name": enterprise.name,
                "kind": licence.get_kind_display(),
                "number": licence.number,
                "date": licence.valid_to.isoformat(),
            },
            url=reverse("precursors:enterprise_detail", args=[enterprise.pk]),
        )
    return sent
