"""Grid relapse reports (Plan 四(一)六), the pages.

A grid worker files a report on a phone and follows the status of their own reports (never
anything about the person). The police station covering the township sees the reports of
the townships it covers in its inbox, accepts them, records the check and closes them with
the outcome; township staff and the office read them. The steps are
``jindu.control.services.relapse``'s.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from jindu.accounts.roles import Role
from jindu.core.errors import Refused
from jindu.core.scoping import VIEW, scope_for
from jindu.core.views import apply_refusal, get_scoped_or_404, paginate
from jindu.orgs.models import OrgUnit, UnitKind

from ..models import RelapseOutcome, RelapseReport, RelapseStatus
from ..services import registry, relapse
from . import require_control
from .relapse_forms import AcceptForm, CheckForm, CloseForm, RelapseFilterForm, RelapseReportForm


def _role(user):
    return scope_for(user).role


def stations_covering(grid: OrgUnit) -> list[OrgUnit]:
    """The police stations that receive a report from ``grid``: those covering its township."""
    township = grid.township()
    if township is None:
        return []
    return list(
        OrgUnit.objects.filter(kind=UnitKind.POLICE_STATION, covers=township, is_active=True)
    )


@require_http_methods(["GET", "POST"])
def relapse_new(request):
    """The grid worker's report, made for a phone: one column, big controls."""
    if not relapse.may_report(request.user):
        raise PermissionDenied
    form = RelapseReportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            report = relapse.submit_relapse_report(request.user, **form.service_arguments())
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            stations = stations_covering(report.grid)
            if stations:
                messages.success(
                    request,
                    _("Report sent to %(station)s.")
                    % {"station": "、".join(s.name for s in stations)},
                )
            else:
                messages.warning(
                    request,
                    _("Report saved. No police station covers this township yet: tell the office."),
                )
            return redirect("control:relapse_mine")
    return render(request, "control/relapse_form.html", {"form": form})


@require_GET
def relapse_mine(request):
    """The reports this user filed: when, where and status; nothing about the person, not
    even the outcome."""
    if not relapse.may_report(request.user):
        raise PermissionDenied
    reports = (
        RelapseReport.objects.restrict(request.user, VIEW)
        .filter(reporter=request.user)
        .select_related("grid")
        .only(
            "id",
            "grid__name",
            "subject",
            "place",
            "observed_on",
            "status",
            "outcome",
            "created_at",
        )
    )
    return render(request, "control/relapse_mine.html", {"page": paginate(request, reports, 20)})


@require_GET
def relapse_inbox(request):
    """The reports in the user's scope, unhandled first (a police station's inbox)."""
    role = _role(request.user)
    if role == Role.GRID_WORKER:
        return redirect("control:relapse_mine")
    require_control(request.user)
    form = RelapseFilterForm(request.GET or None)
    reports = RelapseReport.objects.restrict(request.user, VIEW).select_related("grid__parent")
    if form.is_valid() and form.cleaned_data["status"]:
        reports = reports.filter(status=form.cleaned_data["status"])
    order = Case(
        When(status=RelapseStatus.SUBMITTED, then=Value(0)),
        When(status=RelapseStatus.ACCEPTED, then=Value(1)),
        When(status=RelapseStatus.CHECKED, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    reports = reports.annotate(step=order).order_by("step", "-created_at", "-id")
    return render(
        request,
        "control/relapse_inbox.html",
        {
            "form": form,
            "page": paginate(request, reports),
            "handles": relapse.may_handle(request.user),
            "may_report": relapse.may_report(request.user),
        },
    )


def _first_url(names, *args):
    """The first of the named pages that exists (the registry pages are built alongside)."""
    for name in names:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return None


def _person_for(request, form, field="id_number"):
    """The registered person picked, or the one with the exact identity number given, if any
    (else a form error)."""
    picked = form.cleaned_data.get("person")
    if picked is not None:
        return picked, True
    number = (form.cleaned_data.get(field) or "").strip().upper()
    if not number:
        return None, True
    person = registry.find_by_id_number(request.user, number)
    if person is None:
        form.add_error(field, _("No registered person with this identity number in your area."))
        return None, False
    return person, True


def _step_form(cls, user, *args, **kwargs):
    if issubclass(cls, AcceptForm | CheckForm):
        kwargs["user"] = user
    return cls(*args, **kwargs)


STEPS = {
    "accept": (AcceptForm, "accept"),
    "check": (CheckForm, "check"),
    "close": (CloseForm, "close"),
}


@require_http_methods(["GET", "POST"])
def relapse_detail(request, pk: int):
    report = get_scoped_or_404(RelapseReport, request.user, pk)
    role = _role(request.user)
    if role == Role.GRID_WORKER:
        # The reporter follows the status of their report and learns nothing else.
        if request.method == "POST":
            raise PermissionDenied
        return render(request, "control/relapse_status.html", {"report": report})
    handles = relapse.may_handle(request.user, report)
    forms = {name: _step_form(cls, request.user, prefix=name) for name, (cls, _p) in STEPS.items()}
    if request.method == "POST":
        if not handles:  # township staff, the office's readers and leaders only read
            raise PermissionDenied
        action = request.POST.get("action")
        if action not in STEPS:
            return HttpResponseBadRequest()
        form = _step_form(STEPS[action][0], request.user, request.POST, prefix=action)
        forms[action] = form
        if form.is_valid():
            try:
                if action == "accept":
                    person, ok = _person_for(request, form)
                    if ok:
                        relapse.accept_relapse_report(request.user, report, person=person)
                elif action == "check":
                    person, ok = _person_for(request, form)
                    if ok:
                        relapse.check_relapse_report(
                            request.user,
                            report,
                            check_date=form.cleaned_data["check_date"],
                            result=form.cleaned_data["result"],
                            note=form.cleaned_data["note"],
                            test_kind=form.cleaned_data["test_kind"],
                            person=person,
                        )
                else:
                    ok = True
                    relapse.close_relapse_report(
                        request.user,
                        report,
                        outcome=form.cleaned_data["outcome"],
                        note=form.cleaned_data["note"],
                    )
            except Refused as exc:
                apply_refusal(form, exc)
                messages.error(request, str(exc.message))
            else:
                if ok:
                    messages.success(
                        request,
                        {
                            "accept": _("Report accepted."),
                            "check": _("Check recorded."),
                            "close": _("Report closed."),
                        }[action],
                    )
                    return redirect("control:relapse_detail", pk=report.pk)
        report.refresh_from_db()
    person_url = (
        _first_url(["control:person_detail"], report.person_id) if report.person_id else None
    )
    next_steps = {}
    if report.status == RelapseStatus.CLOSED and report.outcome == RelapseOutcome.CONFIRMED:
        next_steps = {
            "person": person_url,
            "order": _first_url(
                ["control:person_order"],
                report.person_id,
            )
            if report.person_id
            else None,
        }
    if report.status in (RelapseStatus.SUBMITTED, RelapseStatus.ACCEPTED) and handles:
        next_steps["register"] = _first_url(["control:person_create"])
    return render(
        request,
        "control/relapse_detail.html",
        {
            "report": report,
            "handles": handles,
            "forms": forms,
            "person_url": person_url,
            "next_steps": next_steps,
            "stations": stations_covering(report.grid),
        },
    )


urlpatterns = [
    path("relapse/new/", relapse_new, name="relapse_new"),
    path("relapse/mine/", relapse_mine, name="relapse_mine"),
    path("relapse/", relapse_inbox, name="relapse_inbox"),
    path("relapse/<int:pk>/", relapse_detail, name="relapse_detail"),
]
