"""Flags go to the responsible police station and the regulators as follow-ups: an in-app
notification (e-mailed when the user has an address) through the supervision engine's
``notify``, once per flag, or once per run with the count for a scheduled run."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from jindu.accounts.models import User
from jindu.accounts.roles import Role

from .models import RegulatorUnit
from .policy import national_policy


def _recipients(station_ids: set[int], sectors: set[str]) -> list[User]:
    law = national_policy()
    departments = [d.code for d in law.departments.values() if set(d.sectors) & sectors]
    regulator_units = RegulatorUnit.objects.filter(department__in=departments).values("unit_id")
    return list(
        User.objects.filter(is_active=True, role=Role.POLICE_STATION, unit_id__in=station_ids)
        | User.objects.filter(is_active=True, role=Role.MEMBER_UNIT, unit_id__in=regulator_units)
    )


def notify_flags(flags, *, run_key: str | None = None) -> int:
    """Notify the stations and regulators of ``flags`` (a queryset). Without ``run_key``
    one message per flag (an entry just recorded); with it, one per user naming the count."""
    from jindu.supervision.reminders import notify

    url = reverse("precursors:flags")
    if run_key is None:
        sent = 0
        for flag in flags.select_related("enterprise"):
            users = _recipients({flag.enterprise.station_id}, {flag.enterprise.sector})
            sent += notify(
                users,
                key=f"precursor-flag:{flag.pk}",
                text=_("Precursor flag: %(rule)s at %(name)s")
                % {"rule": flag.get_rule_display(), "name": flag.enterprise.name},
                url=f"{url}?enterprise={flag.enterprise_id}",
            )
        return sent
    groups = flags.values("enterprise__station_id", "enterprise__sector").annotate(n=Count("pk"))
    per_user: dict[int, tuple[User, int]] = {}
    for group in groups:
        for user in _recipients({group["enterprise__station_id"]}, {group["enterprise__sector"]}):
            seen = per_user.get(user.pk, (user, 0))
            per_user[user.pk] = (user, seen[1] + group["n"])
    sent = 0
    for user, count in per_user.values():
        sent += notify(
            [user],
            key=f"precursor-run:{run_key}",
            text=_("%(n)d new precursor flags in your area") % {"n": count},
            url=f"{url}?status=open",
        )
    return sent
