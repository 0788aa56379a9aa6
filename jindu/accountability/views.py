import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jindu.core.errors import Refused
from jindu.core.scoping import VIEW, is_office
from jindu.core.views import (
    apply_refusal,
    get_scoped_or_404,
    paginate,
    query_id,
    require_office_user,
)
from jindu.documents.models import DocumentKind
from jindu.documents.services import issued_for
from jindu.documents.views import serve
from jindu.orgs.models import OrgUnit, UnitLevel
from jindu.policy.registry import current_policy
from jindu.rectification.models import Designation

from . import selectors, services
from .filters import ActionFilter
from .forms import (
    AnnualAssessmentForm,
    AssignmentForm,
    DecideForm,
    DutyForm,
    EligibilityForm,
    InspectionForm,
    ReportForm,
    VisitForm,
)
from .models import (
    AccountabilityAction,
    ActionStatus,
    AnnualAssessment,
    AssistanceAssignment,
    Inspection,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _docx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def action_list(request):
    filterset = ActionFilter(
        request.GET or None,
        queryset=AccountabilityAction.objects.all(),
        request=request,
        page=True,
    )
    return render(
        request,
        "accountability/action_list.html",
        {
            "form": filterset.form,
            "page": paginate(request, filterset.qs),
            "proposed": selectors.actions(request.user, status=ActionStatus.PROPOSED).count(),
        },
    )


@require_http_methods(["GET", "POST"])
def action_detail(request, pk: int):
    action = get_scoped_or_404(AccountabilityAction, request.user, pk)
    actions = services.measure_actions(request.user, action)
    form = None
    if "decide" in actions:
        form = DecideForm(request.POST or None, initial={"decided_on": timezone.localdate()})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.decide_action(
                    request.user,
                    action,
                    confirm=data["decision"] == "confirm",
                    reason=data["reason"],
                    decision_no=data["decision_no"],
                    decided_on=data["decided_on"],
                )
            except Refused as exc:
                apply_refusal(form, exc)
            else:
                messages.success(request, _("The decision was recorded."))
                return redirect("accountability:action_detail", pk=pk)
    elif request.method == "POST":
        raise PermissionDenied
    policy = action.policy
    return render(
        request,
        "accountability/action_detail.html",
        {
            "action": action,
            # The buttons are exactly the named actions the user may take now.
            "actions": actions,
            "form": form,
            "articles": policy.quote(action.basis),
        },
    )


def interview_notice(request, pk: int):
    action = get_scoped_or_404(AccountabilityAction, request.user, pk)
    if "notice" not in services.measure_actions(request.user, action):
        messages.error(request, _("An interview notice is issued for a confirmed interview."))
        return redirect("accountability:action_detail", pk=pk)
    document = issued_for(DocumentKind.INTERVIEW_NOTICE, action)
    if document is None:  # confirmed before notices were kept: issue it now, once
        document = services.issue_interview_notice(None, action)
    return serve(document)


def eligibility(request):
    form = EligibilityForm(
        request.GET or None, user=request.user, initial={"date": timezone.localdate()}
    )
    answer = subject = None
    if request.GET and form.is_valid():
        data = form.cleaned_data
        if data["position"]:
            subject = data["position"]
            answer = services.eligibility_of_position(subject, data["date"])
        else:
            subject = data["org_unit"]
            answer = services.eligibility_of_unit(subject, data["date"])
    return render(
        request,
        "accountability/eligibility.html",
        {"form": form, "answer": answer, "subject": subject},
    )


def inspection_list(request):
    """Which listed areas have been inspected in the calendar year of a date (today by
    default), and which not yet (art. 21)."""
    try:
        on = datetime.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        on = timezone.localdate()
    rows = selectors.inspection_status(request.user, on.year, on)
    return render(
        request,
        "accountability/inspection_list.html",
        {
            "rows": rows,
            "year": on.year,
            "on": on,
            "missing": sum(1 for r in rows if r[2]),
            "can_inspect": is_office(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def inspection_create(request):
    require_office_user(request)
    initial = {"date": timezone.localdate()}
    if (designation := query_id(request, "designation")) is not None:
        initial["designation"] = designation
    form = InspectionForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspection = services.record_inspection(
                request.user,
                designation=data["designation"],
                date=data["date"],
                inspectors=data["inspectors"],
                findings=data["findings"],
                member_units=data["member_units"],
                follow_ups=data["follow_ups"],
            )
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            messages.success(request, _("Inspection recorded."))
            return redirect("accountability:inspection_detail", pk=inspection.pk)
    return render(
        request, "accountability/form.html", {"form": form, "title": _("Record an inspection")}
    )


def inspection_detail(request, pk: int):
    inspection = get_scoped_or_404(Inspection, request.user, pk)
    return render(request, "accountability/inspection_detail.html", {"inspection": inspection})


def assistance(request, pk: int):
    """Who helps a listed unit (art. 21), with their visits; the office assigns more."""
    designation = get_scoped_or_404(Designation, request.user, pk)
    policy = designation.policy
    form = None
    if is_office(request.user):
        form = AssignmentForm(request.POST or None, user=request.user, policy=policy)
        if request.method == "POST" and form.is_valid():
            try:
                services.assign_assistance(
                    request.user, designation=designation, **form.cleaned_data
                )
            except Refused as exc:
                apply_refusal(form, exc)
            else:
                messages.success(request, _("Assignment recorded."))
                return redirect("accountability:assistance", pk=pk)
    elif request.method == "POST":
        raise PermissionDenied
    assignments = (
        AssistanceAssignment.objects.restrict(request.user, VIEW)
        .filter(designation=designation)
        .select_related("member_unit")
        .prefetch_related("visits")
    )
    return render(
        request,
        "accountability/assistance.html",
        {
            "designation": designation,
            "assignments": assignments,
            "form": form,
        },
    )


@require_http_methods(["GET", "POST"])
def visit_create(request, pk: int):
    assignment = get_scoped_or_404(AssistanceAssignment, request.user, pk)
    if not (is_office(request.user) or services.may_record_visit(request.user, assignment)):
        raise PermissionDenied
    form = VisitForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_visit(request.user, assignment=assignment, **form.cleaned_data)
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            messages.success(request, _("Visit recorded."))
            return redirect("accountability:assistance", pk=assignment.designation_id)
    return render(
        request,
        "accountability/form.html",
        {
            "form": form,
            "title": _("Record a support visit to %(unit)s")
            % {"unit": assignment.designation.org_unit},
        },
    )


def my_assignments(request):
    """A member unit's own assignments: whom it helps."""
    assignments = (
        AssistanceAssignment.objects.restrict(request.user, VIEW)
        .select_related("designation__org_unit", "member_unit")
        .prefetch_related("visits")
    )
    return render(request, "accountability/my_assignments.html", {"assignments": assignments})


def duties(request):
    """Every listed township's duties (art. 22, 24–27): what is missing, at a glance."""
    today = timezone.localdate()
    return render(
        request,
        "accountability/duties.html",
        {
            "overview": selectors.duty_overview(request.user, today),
            "duties": current_policy().township_duties,
            "today": today,
            "can_record": is_office(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def duty_record(request, pk: int):
    require_office_user(request)
    township = get_scoped_or_404(OrgUnit, request.user, pk)
    if township.level != UnitLevel.TOWNSHIP:
        raise PermissionDenied
    form = DutyForm(
        request.POST or None,
        policy=current_policy(),
        initial={"checked_on": timezone.localdate(), "duty": request.GET.get("duty", "")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_duty(request.user, org_unit=township, **form.cleaned_data)
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            messages.success(request, _("Finding recorded."))
            return redirect("accountability:duties")
    return render(
        request,
        "accountability/form.html",
        {"form": form, "title": _("Verify a duty of %(unit)s") % {"unit": township}},
    )


def annual_assessments(request):
    form = None
    if is_office(request.user):
        form = AnnualAssessmentForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                services.record_annual_assessment(request.user, **form.cleaned_data)
            except Refused as exc:
                apply_refusal(form, exc)
            else:
                messages.success(request, _("Result recorded."))
                return redirect("accountability:annual_assessments")
    elif request.method == "POST":
        raise PermissionDenied
    items = AnnualAssessment.objects.restrict(request.user, VIEW).select_related("org_unit")
    return render(
        request,
        "accountability/annual_assessments.html",
        {"form": form, "page": paginate(request, items)},
    )


@require_http_methods(["GET", "POST"])
def reports(request):
    """Art. 28 and 33: the office issues the briefing and the accountability report; each is
    stored as issued and the stored file is served."""
    if not is_office(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    data = request.POST if request.method == "POST" else request.GET
    form = ReportForm(
        data or None, initial={"date_from": today.replace(month=1, day=1), "date_to": today}
    )
    kind = data.get("kind", "")
    if data and form.is_valid() and kind in ("briefing", "accountability"):
        date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        issue = (
            services.issue_briefing if kind == "briefing" else services.issue_accountability_report
        )
        try:
            document = issue(request.user, date_from=date_from, date_to=date_to)
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            return serve(document)
    return render(
        request, "accountability/reports.html", {"form": form, "policy": current_policy()}
    )
