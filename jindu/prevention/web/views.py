"""Pages: activities, fixtures and liaisons, population figures, the three targets."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jindu.core.errors import Refused
from jindu.core.roles import Role
from jindu.core.scoping import CHANGE, VIEW, is_office, scope_for
from jindu.core.services import attachments_of
from jindu.core.views import apply_refusal, get_scoped_or_404, paginate

from .. import selectors, services
from ..access import may_see_prevention, records_activities, runs_schools, school_account_of
from ..filters import KpiQuery, KpiVillagesQuery
from ..models import Activity, Fixture, Liaison, Population
from ..policy import prevention_policy
from . import forms


def _require(user):
    if not may_see_prevention(user):
        raise PermissionDenied


def home(request):
    user = request.user
    if (school := school_account_of(user)) is not None:
        # A school account's prevention is its school.
        return redirect("prevention:school_detail", pk=school)
    _require(user)
    unit = selectors.default_unit(user)
    today = timezone.localdate()
    indicators = []
    if unit is not None and scope_for(user).role != Role.MEMBER_UNIT:
        indicators = selectors.prevention_kpis(user, unit, today.replace(month=1, day=1), today)
    return render(
        request,
        "prevention/home.html",
        {
            "unit": unit,
            "indicators": indicators,
            "records_activities": records_activities(user),
            "runs_schools": runs_schools(user),
            "is_office": is_office(user),
            "recent": selectors.activities(user)[:5],
            "policy": prevention_policy(),
        },
    )


def activity_list(request):
    _require(request.user)
    policy = prevention_policy()
    form = forms.ActivityFilterForm(request.GET or None, policy=policy)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.activities(
        request.user,
        kind=filters.get("kind", ""),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    page = paginate(request, rows)
    for activity in page:
        activity.kind_name = policy.kind_name(activity.kind)
        activity.setting_name = policy.setting_name(activity.setting) if activity.setting else ""
    return render(
        request,
        "prevention/activity_list.html",
        {"form": form, "page": page, "can_record": records_activities(request.user)},
    )


@require_http_methods(["GET", "POST"])
def activity_create(request):
    if not records_activities(request.user):
        raise PermissionDenied
    policy = prevention_policy()
    form = forms.ActivityForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        policy=policy,
        initial={"date": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            activity = services.record_activity(
                request.user,
                kind=data["kind"],
                setting=data["setting"],
                group=data["group"],
                date=data["date"],
                org_unit=data["org_unit"],
                organiser=data["organiser"],
                audience=data["audience"],
                headcount=data["headcount"],
                materials=data["materials"] or 0,
                pledges=data["pledges"] or 0,
                description=data["description"],
                photos=data["photos"],
            )
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            messages.success(request, _("Activity recorded."))
            return redirect("prevention:activity_detail", pk=activity.pk)
    return render(request, "prevention/activity_form.html", {"form": form, "policy": policy})


def activity_detail(request, pk: int):
    _require(request.user)
    activity = get_scoped_or_404(Activity, request.user, pk)
    policy = prevention_policy()
    return render(
        request,
        "prevention/activity_detail.html",
        {
            "activity": activity,
            "kind_name": policy.kind_name(activity.kind),
            "setting_name": policy.setting_name(activity.setting) if activity.setting else "",
            "group_name": policy.group_name(activity.group) if activity.group else "",
            "photos": attachments_of(activity, "photo"),
        },
    )


def fixture_list(request):
    _require(request.user)
    policy = prevention_policy()
    today = timezone.localdate()
    page = paginate(
        request, Fixture.objects.restrict(request.user, VIEW).select_related("org_unit")
    )
    for fixture in page:
        fixture.kind_name = (
            policy.fixture_kinds[fixture.kind].name
            if fixture.kind in policy.fixture_kinds
            else fixture.kind
        )
        fixture.renew_by = services.rules.fixture_renew_by(
            policy, fixture.kind, fixture.photographed_on
        )
        fixture.current = fixture.renew_by > today
    liaisons = (
        Liaison.objects.restrict(request.user, VIEW)
        .filter(end_date__isnull=True)
        .select_related("org_unit")[:200]
    )
    can_change = scope_for(request.user).may(CHANGE, Fixture)
    return render(
        request,
        "prevention/fixture_list.html",
        {"page": page, "liaisons": liaisons, "can_change": can_change},
    )


@require_http_methods(["GET", "POST"])
def fixture_create(request):
    if not scope_for(request.user).may(CHANGE, Fixture):
        raise PermissionDenied
    policy = prevention_policy()
    form = forms.FixtureForm(
        request.POST or None, request.FILES or None, user=request.user, policy=policy
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_fixture(
                request.user,
                kind=data["kind"],
                org_unit=data["org_unit"],
                location=data["location"],
                photographed_on=data["photographed_on"],
                photos=data["photos"],
            )
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            messages.success(request, _("Fixture recorded."))
            return redirect("prevention:fixture_list")
    return render(
        request,
        "prevention/simple_form.html",
        {
            "form": form,
            "title": _("Record a publicity fixture"),
            "multipart": True,
            "back": "prevention:fixture_list",
        },
    )


@require_http_methods(["GET", "POST"])
def liaison_create(request):
    if not scope_for(request.user).may(CHANGE, Liaison):
        raise PermissionDenied
    form = forms.LiaisonForm(
        request.POST or None, user=request.user, initial={"start_date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.appoint_liaison(request.user, **form.cleaned_data)
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            messages.success(request, _("Liaison recorded."))
            return redirect("prevention:fixture_list")
    return render(
        request,
        "prevention/simple_form.html",
        {"form": form, "title": _("Name an anti-drug liaison"), "back": "prevention:fixture_list"},
    )


@require_http_methods(["GET", "POST"])
def population_list(request):
    _require(request.user)
    office = is_office(request.user)
    form = forms.PopulationForm(request.POST or None, user=request.user) if office else None
    if request.method == "POST":
        if not office:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.set_population(request.user, **form.cleaned_data)
            except Refused as exc:
                apply_refusal(form, exc)
            else:
                messages.success(request, _("Population figure saved."))
                return redirect("prevention:population_list")
    rows = Population.objects.restrict(request.user, VIEW).select_related("org_unit")
    return render(
        request,
        "prevention/population_list.html",
        {"page": paginate(request, rows), "form": form},
    )


def _kpi_period(request, query_class=KpiQuery):
    # The pages and GET /api/v1/kpis/prevention/(villages/) read one query; a page shows a
    # period that starts after it ends from 1 January instead.
    query = query_class(request.GET or None, request=request, page=True)
    date_from, date_to = query.dates()
    if date_from > date_to:
        date_from = date_to.replace(month=1, day=1)
    return query, query.unit(), date_from, date_to


def kpis(request):
    _require(request.user)
    query, unit, date_from, date_to = _kpi_period(request)
    indicators = selectors.prevention_kpis(request.user, unit, date_from, date_to) if unit else []
    return render(
        request,
        "prevention/kpis.html",
        {
            "form": query.form,
            "unit": unit,
            "date_from": date_from,
            "date_to": date_to,
            "indicators": indicators,
            "query": request.GET.urlencode(),
        },
    )


def kpi_villages(request):
    _require(request.user)
    query, unit, date_from, date_to = _kpi_period(request, KpiVillagesQuery)
    code, which = query.target()
    rows = selectors.kpi_villages(request.user, unit, date_from, date_to, code, which).order_by(
        "code"
    )
    return render(
        request,
        "prevention/kpi_villages.html",
        {
            "code": code,
            "name": prevention_policy().targets[code].name,
            "which": which,
            "unit": unit,
            "date_from": date_from,
            "date_to": date_to,
            "page": paginate(request, rows, per_page=50),
        },
    )
