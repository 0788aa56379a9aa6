"""The prevention area's API lists and figures, parsed once (``jindu.core.filters``): a bad
value answers 400 naming the parameter, and the schema lists every parameter."""

from __future__ import annotations

import django_filters as df
from django.utils.translation import gettext_lazy as _

from jindu.core.filters import CodeFilter, DayFilter, IdFilter, SelectorFilterSet, list_filterset
from jindu.core.scoping import VIEW
from jindu.core.views import get_scoped_or_404
from jindu.orgs.filters import QueryFilterSet, SubtreeFilter, UnitPeriodQuery, offer_units
from jindu.orgs.forms import DateInput
from jindu.orgs.models import OrgUnit, UnitLevel

from . import selectors
from .models import Activity, Fixture, Lesson, School, SchoolClass, Survey
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
SchoolFilter = list_filterset(
    School,
    org_unit=_subtree(),
    q=df.CharFilter(field_name="name", lookup_expr="icontains", label=_("Search")),
)
SchoolClassFilter = list_filterset(
    SchoolClass,
    school=IdFilter(field_name="school_id", label=_("School (id)")),
    school_year=df.CharFilter(field_name="school_year", label=_("School year")),
)
LessonFilter = list_filterset(
    Lesson, school_class=IdFilter(field_name="school_class_id", label=_("Class (id)"))
)


class ClassHoursFilter(SelectorFilterSet):
    """``GET /api/v1/class-hours/``: a school and a unit (each one the user may see: else
    404, as a record), and a school year."""

    school = IdFilter(label=_("School (id)"))
    school_year = df.CharFilter(label=_("School year"), help_text=_("e.g. 2019-2020"))
    org_unit = IdFilter(label=_("Unit (id)"))

    class Meta:
        model = SchoolClass
        fields: list[str] = []

    def select(self, queryset, *, school=None, school_year="", org_unit=None):
        return selectors.class_hours(
            self.user,
            school=get_scoped_or_404(School, self.user, school) if school else None,
            school_year=school_year,
            unit=get_scoped_or_404(OrgUnit, self.user, org_unit) if org_unit else None,
        )


class SurveyResultsQuery(QueryFilterSet):
    """``GET /api/v1/surveys/{id}/results/``: the answers of one unit's subtree."""

    org_unit = IdFilter(label=_("Unit (id)"))

    class Meta:
        model = Survey  # the backend also reads the survey's lookup through it
        fields: list[str] = []


class KpiQuery(UnitPeriodQuery):
    """The targets' unit and period, for the page and ``GET /api/v1/kpis/prevention/``: the
    unit (default: a township's own, else the county; the page offers the county and the
    townships the user sees, the API takes any unit the user sees by id, else 404) and the
    period (default: 1 January to today)."""

    date_to = DayFilter(label=_("Until"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.page:
            units = OrgUnit.objects.restrict(self.user, VIEW).filter(
                level__in=[UnitLevel.COUNTY, UnitLevel.TOWNSHIP], is_active=True
            )
            offer_units(self, units.order_by("path"))

    def unit(self) -> OrgUnit | None:
        chosen = self.values().get("org_unit")
        if chosen is None:
            return selectors.default_unit(self.user)
        return chosen if self.page else get_scoped_or_404(OrgUnit, self.user, chosen)


class KpiVillagesQuery(KpiQuery):
    """The villages behind a target (the page and ``GET /api/v1/kpis/prevention/villages/``):
    which target, and its numerator, denominator or gap."""

    code = df.ChoiceFilter(label=_("Target"), choices=[(c, c) for c in selectors.VILLAGE_TARGETS])
    which = df.ChoiceFilter(label=_("Which"), choices=[(w, w) for w in selectors.DRILL])

    def target(self) -> tuple[str, str]:
        """The target and the part: the API names the target (``is_valid``) and defaults to
        the denominator; the page opens on the first target's gap."""
        values = self.values()
        if self.page:
            return values.get("code") or selectors.VILLAGE_TARGETS[0], values.get("which") or "gap"
        return values["code"], values.get("which") or "denominator"

    def is_valid(self):
        valid = super().is_valid()
        if valid and not self.form.cleaned_data.get("code"):
            self.form.add_error("code", _("Choose the target."))
            return False
        return valid
