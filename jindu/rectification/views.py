from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jindu.core.errors import Refused
from jindu.core.scoping import CHANGE, VIEW, is_office, scope_for
from jindu.core.services import attachments_of
from jindu.core.views import apply_refusal, get_scoped_or_404, paginate, query_id
from jindu.documents.views import serve
from jindu.orgs.models import OrgUnit
from jindu.policy.registry import current_policy
from jindu.supervision.models import Obligation

from . import satisfaction, selectors, services
from .filters import ApplicationFilter, DesignationFilter, EvaluationFilter
from .forms import (
    ApplicationForm,
    AssessmentForm,
    ChangeDecisionForm,
    EvaluationForm,
    ListDecisionForm,
    ProgressReportForm,
)
from .models import (
    Application,
    Assessment,
    Decision,
    Designation,
    Evaluation,
    ProgressReport,
)


def _may(user, model) -> bool:
    return scope_for(user).may(CHANGE, model)


def _refused(form, exc: Refused) -> dict:
    """A refusal citing articles is shown above the form with their text; a plain validation
    problem goes next to its field."""
    if exc.status == 403:
        raise PermissionDenied
    if not exc.basis:
        apply_refusal(form, exc)
        return {}
    policy = current_policy()
    return {
        "refusal": exc.message,
        "refusal_articles": [
            (number, policy.articles[number].text if number in policy.articles else "")
            for number in exc.basis
        ],
    }


def board(request):
    policy = current_policy()
    filterset = DesignationFilter(
        request.GET or None, queryset=Designation.objects.all(), request=request, page=True
    )
    listings = filterset.qs
    return render(
        request,
        "rectification/board.html",
        {
            "form": filterset.form,
            "page": paginate(request, listings, 50),
            "policy": policy,
            "today": timezone.localdate(),
            "can_decide": _may(request.user, Decision),
        },
    )


def designation_detail(request, pk: int):
    designation = get_scoped_or_404(Designation, request.user, pk)
    policy = designation.policy
    assessments = designation.assessments.prefetch_related("findings")
    return render(
        request,
        "rectification/designation_detail.html",
        {
            "designation": designation,
            "policy": policy,
            "decisions": designation.decisions.select_related("decided_by", "assessment"),
            "assessments": assessments,
            "conditions": policy.conditions,
            "evaluations": designation.evaluations.order_by("-year"),
            "reports": designation.reports.all(),
            "obligations": Obligation.objects.restrict(request.user, VIEW).filter(
                source_model="rectification.Designation", source_id=str(designation.pk)
            ),
            "applications": designation.applications.all(),
            "actions": designation.accountability_actions.restrict(
                request.user, VIEW
            ).select_related("position"),
            "history": Designation.objects.restrict(request.user, VIEW)
            .filter(org_unit=designation.org_unit)
            .exclude(pk=designation.pk),
            # The buttons are exactly the named actions the user may take now.
            "allowed": services.listing_actions(request.user, designation),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
def decide_list(request):
    if not _may(request.user, Decision):
        raise PermissionDenied
    policy = current_policy()
    initial = {"date": timezone.localdate()}
    application = None
    if (app_id := query_id(request, "application")) is not None:
        application = get_scoped_or_404(Application, request.user, app_id)
        initial.update(
            org_unit=application.org_unit_id,
            level=application.level,
            categories=application.categories,
            source="application",
            application=application.pk,
        )
    elif (unit_id := query_id(request, "org_unit")) is not None:
        initial["org_unit"] = unit_id
    form = ListDecisionForm(request.POST or None, user=request.user, policy=policy, initial=initial)
    context = {"form": form, "policy": policy, "title": _("Decision to list")}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = services.record_decision(
                request.user,
                kind="list",
                date=data["date"],
                decision_no=data["decision_no"],
                org_unit=data["org_unit"],
                level=data["level"],
                categories=data["categories"],
                source=data["source"],
                application=data["application"],
                notes=data["notes"],
            )
        except Refused as exc:
            context.update(_refused(form, exc))
        else:
            messages.success(request, _("The decision was recorded."))
            return redirect("rectification:designation_detail", pk=decision.designation_id)
    return render(request, "rectification/decision_form.html", context)


@require_http_methods(["GET", "POST"])
def decide_change(request, pk: int):
    designation = get_scoped_or_404(Designation, request.user, pk)
    if not _may(request.user, Decision):
        raise PermissionDenied
    initial = {"date": timezone.localdate(), "kind": request.GET.get("kind", "extend")}
    form = ChangeDecisionForm(
        request.POST or None, designation=designation, user=request.user, initial=initial
    )
    context = {
        "form": form,
        "designation": designation,
        "policy": designation.policy,
        "title": _("Decision on the listing of %(unit)s") % {"unit": designation.org_unit},
    }
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_decision(
                request.user,
                kind=data["kind"],
                date=data["date"],
                decision_no=data["decision_no"],
                designation=designation,
                assessment=data["assessment"],
                application=data["application"],
                notes=data["notes"],
            )
        except Refused as exc:
            context.update(_refused(form, exc))
        else:
            messages.success(request, _("The decision was recorded."))
            return redirect("rectification:designation_detail", pk=designation.pk)
    return render(request, "rectification/decision_form.html", context)


def decision_document(request, pk: int):
    """The decision's document as issued (stored at issue; never regenerated from today's
    state). A decision recorded before documents were kept is issued on first download."""
    decision = get_scoped_or_404(Decision, request.user, pk)
    return serve(services.issue_decision_document(None, decision))


@require_http_methods(["GET", "POST"])
def assess(request, pk: int):
    designation = get_scoped_or_404(Designation, request.user, pk)
    if not is_office(request.user):
        raise PermissionDenied
    policy = designation.policy
    form = AssessmentForm(
        request.POST or None,
        request.FILES or None,
        policy=policy,
        initial={"date": timezone.localdate()},
    )
    form.duty_evidence = selectors.recorded_evidence(
        request.user, designation, timezone.localdate()
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.record_assessment(
                request.user,
                designation=designation,
                date=form.cleaned_data["date"],
                conditions=form.conditions(),
                findings=form.findings(),
                notes=form.cleaned_data["notes"],
                attachments=_evidence(form, policy),
            )
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            messages.success(
                request,
                _("Assessment recorded: %(result)s.")
                % {
                    "result": _("all six conditions met")
                    if assessment.all_met
                    else _("not all conditions met")
                },
            )
            return redirect("rectification:designation_detail", pk=designation.pk)
    return render(
        request, "rectification/assessment_form.html", {"form": form, "designation": designation}
    )


def assessment_detail(request, pk: int):
    assessment = get_scoped_or_404(Assessment, request.user, pk)
    policy = assessment.designation.policy
    findings = {f.condition: f for f in assessment.findings.all()}
    evidence = attachments_of(assessment)
    duties = selectors.recorded_evidence(request.user, assessment.designation, assessment.date)
    rows = []
    for condition in policy.conditions:
        finding = findings.get(condition.code)
        rows.append(
            {
                "condition": condition,
                "finding": finding,
                "points": [
                    (p, finding is not None and i in finding.points_met)
                    for i, p in enumerate(condition.points)
                ],
                "evidence": [e for e in evidence if e.role == condition.code],
                "duties": duties.get(condition.code, []),
            }
        )
    return render(
        request, "rectification/assessment_detail.html", {"assessment": assessment, "rows": rows}
    )


@require_http_methods(["GET", "POST"])
def report_create(request, pk: int):
    designation = get_scoped_or_404(Designation, request.user, pk)
    if not _may(request.user, ProgressReport):
        raise PermissionDenied
    form = ProgressReportForm(
        request.POST or None,
        request.FILES or None,
        initial={"period": str(timezone.localdate().year)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.submit_progress_report(
                request.user,
                designation=designation,
                period=data["period"],
                text=data["text"],
                is_final=data["is_final"],
                files=data["files"],
            )
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            messages.success(request, _("Report submitted."))
            return redirect("rectification:designation_detail", pk=designation.pk)
    return render(
        request, "rectification/report_form.html", {"form": form, "designation": designation}
    )


def application_list(request):
    filterset = ApplicationFilter(
        request.GET or None, queryset=Application.objects.all(), request=request, page=True
    )
    return render(
        request,
        "rectification/application_list.html",
        {
            "form": filterset.form,
            "page": paginate(request, filterset.qs),
            "can_apply": _may(request.user, Application),
        },
    )


@require_http_methods(["GET", "POST"])
def application_create(request):
    proposal = request.GET.get("proposal") == "1" or request.POST.get("proposal") == "1"
    if not _may(request.user, Application) or (proposal and not is_office(request.user)):
        raise PermissionDenied
    policy = current_policy()
    form = ApplicationForm(
        request.POST or None, request.FILES or None, user=request.user, policy=policy
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = services.submit_application(
                request.user,
                org_unit=data["org_unit"],
                kind=data["kind"],
                year=data["year"],
                reasons=data["reasons"],
                level=data["level"],
                categories=data["categories"],
                source="office_proposal" if proposal else "application",
                files=data["files"],
            )
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            messages.success(request, _("Application submitted."))
            return redirect("rectification:application_detail", pk=application.pk)
    return render(
        request, "rectification/application_form.html", {"form": form, "proposal": proposal}
    )


def application_detail(request, pk: int):
    application = get_scoped_or_404(Application, request.user, pk)
    return render(
        request,
        "rectification/application_detail.html",
        {
            "application": application,
            "files": attachments_of(application),
            "allowed": services.application_actions(request.user, application),
        },
    )


@require_POST
def application_close(request, pk: int):
    application = get_scoped_or_404(Application, request.user, pk)
    status = request.POST.get("status", "")
    try:
        services.close_application(request.user, application, status)
    except Refused as exc:
        if exc.status == 403:
            raise PermissionDenied from exc
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The application was closed."))
    return redirect("rectification:application_detail", pk=pk)


def evaluation_list(request):
    filterset = EvaluationFilter(
        request.GET or None, queryset=Evaluation.objects.all(), request=request, page=True
    )
    return render(
        request,
        "rectification/evaluation_list.html",
        {
            "form": filterset.form,
            "page": paginate(request, filterset.qs),
            "can_evaluate": is_office(request.user),
        },
    )


def _survey_figure(request, initial):
    """The survey's satisfaction figure for the unit and year the form names (posted, or
    given in the link), if a registered source has one (办法第五条、第十四条（六）)."""
    data = request.POST if request.method == "POST" else {}
    unit_id = str(data.get("org_unit") or initial.get("org_unit") or "")
    year = str(data.get("year") or initial.get("year") or "")
    if not (unit_id.isdigit() and year.isdigit()):
        return None
    unit = OrgUnit.objects.restrict(request.user, VIEW).filter(pk=int(unit_id)).first()
    if unit is None:
        return None
    return satisfaction.figure_for(unit, int(year))


@require_http_methods(["GET", "POST"])
def evaluation_create(request):
    if not is_office(request.user):
        raise PermissionDenied
    policy = current_policy()
    initial = {"date": timezone.localdate(), "year": timezone.localdate().year}
    baseline = None
    if (baseline_id := query_id(request, "baseline")) is not None:
        baseline = get_scoped_or_404(Evaluation, request.user, baseline_id)
        initial.update(
            org_unit=baseline.org_unit_id,
            year=baseline.year + 1,
            methods=baseline.methods,
            member_units=list(baseline.member_units.values_list("pk", flat=True)),
            satisfaction_respondents=baseline.satisfaction_respondents,
            recommendation=baseline.recommendation,
            findings=baseline.findings,
            **{f"item_{k}": v for k, v in baseline.recorded.items()},
        )
    elif (unit_id := query_id(request, "org_unit")) is not None:
        initial["org_unit"] = unit_id
    form = EvaluationForm(
        request.POST or None,
        user=request.user,
        policy=policy,
        initial=initial,
        figure=_survey_figure(request, initial),
    )
    conditions_form = AssessmentForm(
        request.POST or None, request.FILES or None, policy=policy, standalone=False, prefix="c"
    )
    if request.method == "POST" and form.is_valid() and conditions_form.is_valid():
        data = form.cleaned_data
        if baseline is None and (posted := request.POST.get("baseline", "")).isdigit():
            baseline = get_scoped_or_404(Evaluation, request.user, int(posted))
        try:
            evaluation = services.record_evaluation(
                request.user,
                org_unit=data["org_unit"],
                year=data["year"],
                date=data["date"],
                methods=data["methods"],
                member_units=data["member_units"],
                recorded=form.recorded(),
                recommendation=data["recommendation"],
                findings=data["findings"],
                satisfaction_respondents=data["satisfaction_respondents"] or 0,
                conditions=conditions_form.conditions(),
                condition_findings=conditions_form.findings(),
                baseline=baseline,
                evidence=_evidence(conditions_form, policy),
            )
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            messages.success(request, _("Evaluation recorded."))
            return redirect("rectification:evaluation_detail", pk=evaluation.pk)
    return render(
        request,
        "rectification/evaluation_form.html",
        {"form": form, "conditions_form": conditions_form, "policy": policy, "baseline": baseline},
    )


def evaluation_detail(request, pk: int):
    evaluation = get_scoped_or_404(Evaluation, request.user, pk)
    policy = evaluation.policy
    items = [(item, evaluation.recorded.get(item.code, 0)) for item in policy.evaluation.items]
    return render(
        request,
        "rectification/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "policy": policy,
            "items": items,
            "can_evaluate": is_office(request.user),
        },
    )


def _evidence(form, policy) -> dict:
    """The files uploaded per condition (``evidence_<code>``), for the service to store."""
    return {c.code: form.cleaned_data.get(f"evidence_{c.code}", []) for c in policy.conditions}
