"""The actions recorded on a person and on the person's records (status, move, finding,
risk, orders, tests, leave, follow-ups …): one form page per action, each calling one
service; the file must be open."""

from dataclasses import dataclass
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from jindu.core.errors import Refused
from jindu.core.scoping import CHANGE
from jindu.core.views import get_scoped_or_404, local_target

from .. import forms as f
from ..models import (
    ControlAssignment,
    ControlOrder,
    FollowUp,
    LeaveRequest,
    Person,
    ResidenceChange,
    SickDisabled,
)
from ..services import contacts, followups, leave, moves, orders, registry
from . import refusal_context, require_control
from .person_file import unless_opened


def _today_initial(form_class) -> dict:
    return {
        name: timezone.localdate()
        for name, field in form_class.base_fields.items()
        if isinstance(field, django_forms.DateField) and field.required
    }


@dataclass(frozen=True)
class Action:
    model: type
    form: type
    title: Any
    done: Any
    run: Any
    needs_user: bool = False


def _person_of(obj):
    return obj if isinstance(obj, Person) else obj.person


ACTIONS: dict[str, Action] = {
    "status": Action(
        Person,
        f.StatusForm,
        gettext_lazy("Change the status"),
        gettext_lazy("The status is recorded."),
        lambda u, p, d: registry.change_status(u, p, **d),
    ),
    "move": Action(
        Person,
        f.MoveForm,
        gettext_lazy("Move residence"),
        gettext_lazy("The move is recorded."),
        lambda u, p, d: registry.move_residence(u, p, **d),
        needs_user=True,
    ),
    "finding": Action(
        Person,
        f.FindingForm,
        gettext_lazy("Record a finding"),
        gettext_lazy("The finding is recorded."),
        lambda u, p, d: registry.record_finding(u, p, **d),
    ),
    "risk": Action(
        Person,
        f.RiskForm,
        gettext_lazy("Assess the risk"),
        gettext_lazy("The risk assessment is recorded."),
        lambda u, p, d: registry.assess_risk(u, p, **d),
    ),
    "assign": Action(
        Person,
        f.AssignForm,
        gettext_lazy("Assign a responsible person"),
        gettext_lazy("The assignment is recorded."),
        lambda u, p, d: registry.assign(u, p, **d),
        needs_user=True,
    ),
    "order": Action(
        Person,
        f.OrderForm,
        gettext_lazy("Record an order"),
        gettext_lazy("The order is recorded."),
        lambda u, p, d: orders.record_order(u, p, **d),
    ),
    "test": Action(
        Person,
        f.TestForm,
        gettext_lazy("Record a test"),
        gettext_lazy("The test is recorded."),
        lambda u, p, d: orders.record_test(u, p, **d),
    ),
    "leave": Action(
        Person,
        f.LeaveForm,
        gettext_lazy("Request leave"),
        gettext_lazy("The leave request is recorded."),
        lambda u, p, d: leave.request_leave(u, p, **d),
    ),
    "sick": Action(
        Person,
        f.SickForm,
        gettext_lazy("Flag as sick or disabled"),
        gettext_lazy("The condition is recorded."),
        lambda u, p, d: registry.flag_sick_disabled(u, p, **d),
    ),
    "abstinence": Action(
        Person,
        f.AbstinenceForm,
        gettext_lazy("Confirm three clean years"),
        gettext_lazy("Three clean years are confirmed: the person leaves dynamic control."),
        lambda u, p, d: followups.confirm_abstinence(u, p, **d),
    ),
    "contact": Action(
        Person,
        f.ContactForm,
        gettext_lazy("Log a visit or conversation"),
        gettext_lazy("The visit or conversation is logged."),
        lambda u, p, d: contacts.record_contact(u, p, **d),
    ),
    "move_report": Action(
        ResidenceChange,
        f.MoveReportForm,
        gettext_lazy("Record the report after the move"),
        gettext_lazy("The report after the move is recorded."),
        lambda u, m, d: moves.record_move_report(u, m, **d),
    ),
    "assignment_end": Action(
        ControlAssignment,
        f.EndAssignmentForm,
        gettext_lazy("End the assignment"),
        gettext_lazy("The assignment is ended."),
        lambda u, a, d: registry.end_assignment(u, a, **d),
    ),
    "order_report": Action(
        ControlOrder,
        f.ReportForm,
        gettext_lazy("Record the report or execution"),
        gettext_lazy("The report or execution is recorded."),
        lambda u, o, d: orders.record_report(
            u, o, **{k: v for k, v in d.items() if v not in (None, "")}
        ),
    ),
    "order_end": Action(
        ControlOrder,
        f.EndOrderForm,
        gettext_lazy("End, suspend or terminate the order"),
        gettext_lazy("The end of the order is recorded."),
        lambda u, o, d: orders.end_order(
            u, o, end_date=d["end_date"], end_kind=d["end_kind"], note=d["end_note"]
        ),
    ),
    "order_resume": Action(
        ControlOrder,
        f.ResumeOrderForm,
        gettext_lazy("Resume the suspended order"),
        gettext_lazy("The order is resumed."),
        lambda u, o, d: orders.resume_order(u, o, **d),
    ),
    "order_extend": Action(
        ControlOrder,
        f.ExtendIsolationForm,
        gettext_lazy("Extend compulsory isolation"),
        gettext_lazy("The isolation is extended."),
        lambda u, o, d: orders.extend_isolation(u, o, **d),
    ),
    "leave_decide": Action(
        LeaveRequest,
        f.LeaveDecideForm,
        gettext_lazy("Approve or refuse the leave"),
        gettext_lazy("The decision is recorded."),
        lambda u, lv, d: leave.decide_leave(
            u, lv, approve=d["decision"] == "approve", note=d["note"]
        ),
    ),
    "leave_extend": Action(
        LeaveRequest,
        f.LeaveExtendForm,
        gettext_lazy("Extend the leave"),
        gettext_lazy("The leave is extended."),
        lambda u, lv, d: leave.extend_leave(u, lv, **d),
    ),
    "leave_return": Action(
        LeaveRequest,
        f.LeaveReturnForm,
        gettext_lazy("Record the return"),
        gettext_lazy("The return is recorded."),
        lambda u, lv, d: leave.record_return(u, lv, **d),
    ),
    "sick_admission": Action(
        SickDisabled,
        f.AdmissionForm,
        gettext_lazy("Record the admission"),
        gettext_lazy("The admission is recorded."),
        lambda u, s, d: registry.record_admission(u, s, **d),
    ),
    "followup_close": Action(
        FollowUp,
        f.CloseFollowUpForm,
        gettext_lazy("Close the follow-up"),
        gettext_lazy("The follow-up is closed."),
        lambda u, fu, d: followups.close_follow_up(u, fu, **d),
    ),
}


@require_http_methods(["GET", "POST"])
def action(request, pk: int, name: str):
    require_control(request.user)
    spec = ACTIONS[name]
    obj = get_scoped_or_404(spec.model, request.user, pk, CHANGE)
    person = _person_of(obj)
    if (closed := unless_opened(request, person)) is not None:
        return closed
    kwargs = {"user": request.user} if spec.needs_user else {}
    form = spec.form(request.POST or None, initial=_today_initial(spec.form), **kwargs)
    detail = reverse("control:person_detail", args=[person.pk])
    target = local_target(request, request.POST.get("next") or request.GET.get("next") or "")
    context: dict[str, Any] = {}
    if request.method == "POST" and form.is_valid():
        try:
            spec.run(request.user, obj, form.cleaned_data)
        except Refused as exc:
            context = refusal_context(form, exc)
        else:
            messages.success(request, str(spec.done))
            return redirect(target or detail)
    return render(
        request,
        "control/person_form.html",
        {
            **context,
            "form": form,
            "person": person,
            "subject": obj if obj is not person else None,
            "title": spec.title,
            "back": target or detail,
            "next": target,
        },
    )


# One page per action; each URL name is written out so that a search finds it.
urlpatterns = [
    path("persons/<int:pk>/status/", action, {"name": "status"}, name="person_status"),
    path("persons/<int:pk>/move/", action, {"name": "move"}, name="person_move"),
    path("persons/<int:pk>/finding/", action, {"name": "finding"}, name="person_finding"),
    path("persons/<int:pk>/risk/", action, {"name": "risk"}, name="person_risk"),
    path("persons/<int:pk>/assign/", action, {"name": "assign"}, name="person_assign"),
    path("persons/<int:pk>/order/", action, {"name": "order"}, name="person_order"),
    path("persons/<int:pk>/test/", action, {"name": "test"}, name="person_test"),
    path("persons/<int:pk>/leave/", action, {"name": "leave"}, name="person_leave"),
    path("persons/<int:pk>/sick/", action, {"name": "sick"}, name="person_sick"),
    path("persons/<int:pk>/abstinence/", action, {"name": "abstinence"}, name="person_abstinence"),
    path("persons/<int:pk>/contact/", action, {"name": "contact"}, name="person_contact"),
    path("moves/<int:pk>/report/", action, {"name": "move_report"}, name="move_report"),
    path("assignments/<int:pk>/end/", action, {"name": "assignment_end"}, name="assignment_end"),
    path("orders/<int:pk>/report/", action, {"name": "order_report"}, name="order_report"),
    path("orders/<int:pk>/end/", action, {"name": "order_end"}, name="order_end"),
    path("orders/<int:pk>/resume/", action, {"name": "order_resume"}, name="order_resume"),
    path("orders/<int:pk>/extend/", action, {"name": "order_extend"}, name="order_extend"),
    path("leaves/<int:pk>/decide/", action, {"name": "leave_decide"}, name="leave_decide"),
    path("leaves/<int:pk>/extend/", action, {"name": "leave_extend"}, name="leave_extend"),
    path("leaves/<int:pk>/return/", action, {"name": "leave_return"}, name="leave_return"),
    path("sick/<int:pk>/admission/", action, {"name": "sick_admission"}, name="sick_admission"),
    path("follow-ups/<int:pk>/close/", action, {"name": "followup_close"}, name="followup_close"),
]
