"""The prevention area's API lists, parsed once (``jindu.core.filters``): a bad value answers
400 naming the parameter, and the schema lists every parameter."""

from __future__ import annotations

import django_filters as df
from django.utils.translation import gettext_lazy as _

from jindu.core.filters import CodeFilter, DayFilter, IdFilter, list_filterset
from jindu.orgs.filters import SubtreeFilter

from .models import Activity, Fixture, Lesson, School, SchoolClass
from .policy import prevention_policy


def _kinds(request=None):
    return [(k.code, k.name) for k in prevention_policy().activity_kinds.values()]


def _subtree():
    return SubtreeFilter(field_name="org_unit", label=_("Unit (id)"))


ActivityFilter = list_filterset(
    Activity,
    org_unit=_subtree(),
    kind=CodeFilter(field_name="kind", label=_("Kind"), choices=_kinds),
    date_from=DayFilter(field_name="date", lookup_expr="gte", label=_("From")),
    date_to=DayFilter(field_name="date", lookup_expr="lte", label=_("Until")),
)
FixtureFilter = list_filterset(Fixture, org_unit=_subtree())
SchoolFilter = list_filterset(School, org_unit=_subtree())
SchoolClassFilter = list_filterset(
    SchoolClass,
    school=IdFilter(field_name="school_id", label=_("School (id)")),
    school_year=df.CharFilter(field_name="school_year", label=_("School year")),
)
LessonFilter = list_filterset(
    Lesson, school_class=IdFilter(field_name="school_class_id", label=_("Class (id)"))
)
