"""Prevention in the menu and on the home page."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jindu.core.registry import home_action, menu_entry

from .access import may_see_prevention, school_account_of


@menu_entry(80, "prevention")
def _menu(user, scope):
    if (school := school_account_of(user)) is not None:
        # A school account: its own school and its class hours, nothing else.
        return [
            (_("Our school"), reverse("prevention:school_detail", args=[school]), "prevention"),
            (_("Class hours"), reverse("prevention:class_hours"), "class_hours"),
        ]
    if not may_see_prevention(user):
        return []
    return [(_("Prevention"), reverse("prevention:home"), "prevention")]


@home_action(20, "prevention.school")
def _school_actions(user, scope):
    """A school account's home: its school's class-hour compliance this school year, and the
    classes still short of the hours (each a link to record a lesson)."""
    school = school_account_of(user)
    if school is None:
        return []
    from . import rules, selectors
    from .models import School
    from .policy import prevention_policy

    policy = prevention_policy()
    school_year = rules.school_year_of(policy, timezone.localdate()) or ""
    record = School.objects.get(pk=school)
    summary = selectors.class_hours_summary(user, school=record, school_year=school_year)
    rows = selectors.class_hours_rows(
        selectors.class_hours(user, school=record, school_year=school_year)
    )
    short = [r for r in rows if r["required"] and not r["met"]]
    return [
        {
            "label": _("%(school)s: %(met)d of %(required)d classes met the class hours (%(year)s)")
            % {
                "school": record.name,
                "met": summary["met"],
                "required": summary["required_classes"],
                "year": school_year,
            },
            "url": reverse("prevention:school_detail", args=[school]),
            "primary": True,
            "items": [
                (
                    _("%(cls)s: %(recorded)s of %(required)s hours — record a lesson")
                    % {
                        "cls": r["name"],
                        "recorded": f"{r['recorded']:g}",
                        "required": r["required"],
                    },
                    reverse("prevention:class_detail", args=[r["school_class"]]),
                )
                for r in short
            ],
        },
        {
            "label": _("Class hours"),
            "url": reverse("prevention:class_hours"),
            "primary": False,
        },
    ]
