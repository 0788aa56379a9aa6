"""The registry of people under control: the list (and its Excel export), registration and
correction, the person's file (opened with a stated reason, 查询事由), the actions recorded on
a person, and the office's lists (file-access log, open follow-ups, overdue tests).

Views only parse input and call the services and selectors; refusals are shown with their
articles. Every read goes through the scoping layer.
"""

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from jindu.accounts import otp
from jindu.core.errors import Refused
from jindu.core.exports import xlsx_response
from jindu.core.scoping import CHANGE, VIEW, can, scope_for
from jindu.core.views import (
    apply_refusal,
    get_scoped_or_404,
    paginate,
    require_change,
    require_office_user,
)

from .. import crypto, selectors
from .. import forms as f
from ..filters import FileAccessFilter, FollowUpFilter, PersonFilter
from ..models import (
    ControlAssignment,
    ControlOrder,
    FileAccess,
    FollowUp,
    FollowUpStatus,
    Gender,
    LeaveRequest,
    OrderKind,
    Person,
    PersonStatus,
    RelapseReport,
    ResidenceChange,
    RiskLevel,
    SickDisabled,
)
from ..policy import control_policy
from ..services import contacts, followups, leave, moves, orders, registry
from . import require_control

SESSION_KEY = "control_file_grants"


def _require_control(request) -> None:
    # Grid workers report relapse elsewhere; member units have no part in the registry.
    require_control(request.user)


def _refusal(form, exc: Refused) -> dict:
    """A refusal citing articles is shown above the form with their text; a plain validation
    problem goes next to its field."""
    if exc.status == 403:
        raise PermissionDenied
    if not exc.basis:
        apply_refusal(form, exc)
        return {}
    articles = control_policy().articles
    return {
        "refusal": exc.message,
        "refusal_articles": [
            (number, articles[number].text if number in articles else "") for number in exc.basis
        ],
    }


def _today_initial(form_class) -> dict:
    return {
        name: timezone.localdate()
        for name, field in form_class.base_fields.items()
        if isinstance(field, django_forms.DateField) and field.required
    }


# ---------------------------------------------------------------- list and export


class _Columns:
    """The list's and the export's columns of a person, with each code's label looked up
    once per page or file: ``get_FOO_display`` rebuilds its field's choices dict at every
    call, four times a row (a tenth of the page's time, bench/request_profile.py)."""

    def __init__(self):
        def labels(choices):
            return {code: str(label) for code, label in choices}

        self.gender = labels(Gender.choices)
        self.status = labels(PersonStatus.choices)
        self.risk = labels(RiskLevel.choices)
        self.order_kind = labels(OrderKind.choices)

    def current_order(self, person) -> str:
        order = person.open_orders[0] if person.open_orders else None
        return self.order_kind.get(order.kind, order.kind) if order else ""

    @staticmethod
    def responsible(person) -> str:
        return "、".join(a.responsible_name for a in person.active_assignments)

    @staticmethod
    def residence(person) -> str:
        unit = person.residence_unit
        return f"{unit.parent.name} · {unit.name}" if unit.parent_id else unit.name

    def row(self, person) -> dict:
        """What the page shows, as plain values (a dict is the template's cheapest lookup)."""
        return {
            "pk": person.pk,
            "url": reverse("control:person_detail", args=[person.pk]),
            "name": person.name,
            "left_control_on": person.left_control_on,
            "gender": self.gender.get(person.gender, person.gender),
            "id_masked": person.id_masked,
            "residence": self.residence(person),
            "status": self.status.get(person.status, person.status),
            "risk_level": person.risk_level,
            "risk": self.risk.get(person.risk_level, person.risk_level),
            "current_order": self.current_order(person),
            "responsible": self.responsible(person),
        }


def _id_hash(request) -> str:
    value = request.GET.get("id_hash", "")
    return value if len(value) == 64 and all(c in "0123456789abcdef" for c in value) else ""


def _person_filter(request) -> PersonFilter:
    return PersonFilter(
        request.GET or None, queryset=Person.objects.all(), request=request, page=True
    )


def _persons(request, filterset: PersonFilter):
    # The exact-number search arrives as the keyed hash the POST redirected to.
    values = {**filterset.values(), "id_hash": _id_hash(request)}
    return selectors.with_list_columns(filterset.select(Person.objects.all(), **values))


@require_http_methods(["GET", "POST"])
def person_list(request):
    _require_control(request)
    if request.method == "POST":
        search = f.IdSearchForm(request.POST)
        if search.is_valid():
            number = search.cleaned_data["id_number"].strip().upper()
            query = urlencode({"id_hash": crypto.lookup_hash(number)})
            return redirect(f"{reverse('control:person_list')}?{query}", permanent=False)
    else:
        search = f.IdSearchForm()
    filterset = _person_filter(request)
    form = filterset.form
    persons = _persons(request, filterset)
    page = paginate(request, persons)
    columns = _Columns()
    return render(
        request,
        "control/person_list.html",
        {
            "form": form,
            "search": search,
            "searching_id": bool(_id_hash(request)),
            "page": page,
            "rows": [columns.row(person) for person in page],
            "can_register": scope_for(request.user).may(CHANGE, Person),
        },
    )


def person_export(request):
    _require_control(request)
    filterset = _person_filter(request)
    persons = _persons(request, filterset)
    policy = control_policy()
    columns = _Columns()

    def rows():
        for p in persons.iterator(chunk_size=500):
            yield [
                p.name,
                columns.gender.get(p.gender, p.gender),
                p.id_masked,
                p.phone_masked,
                columns.residence(p),
                columns.status.get(p.status, p.status),
                columns.risk.get(p.risk_level, p.risk_level),
                "、".join(policy.code_name("drug_types", c) for c in p.drug_types),
                columns.current_order(p),
                columns.responsible(p),
                p.first_found_date,
            ]

    chosen = filterset.values().get("unit")
    return xlsx_response(
        request,
        basename=_("persons-under-control"),
        title=_("Persons under control"),
        unit=chosen.name if chosen is not None else "",
        headers=[
            _("Full name"),
            _("Gender"),
            _("Identity number"),
            _("Phone"),
            _("Residence"),
            _("Status"),
            _("Risk"),
            _("Drug types"),
            _("Current order"),
            _("Responsible person"),
            _("First found"),
        ],
        rows=rows(),
        what="control.Person",
    )


# ---------------------------------------------------------------- register and correct


def _duplicate(form, exc: registry.DuplicatePerson) -> None:
    """Next to the number: the existing record's link when the user may see it, else the
    service's "needs the county office" message (which confirms nothing)."""
    form.add_error("id_number", str(exc.message))
    if exc.existing_id is not None:
        form.existing_url = reverse("control:person_detail", args=[exc.existing_id])


@require_http_methods(["GET", "POST"])
def person_create(request):
    _require_control(request)
    require_change(request.user, Person)
    form = f.PersonForm(request.POST or None, user=request.user)
    context: dict[str, Any] = {}
    if request.method == "POST" and form.is_valid():
        try:
            person = registry.register_person(request.user, **form.cleaned_data)
        except registry.DuplicatePerson as exc:
            _duplicate(form, exc)
        except Refused as exc:
            context = _refusal(form, exc)
        else:
            messages.success(request, _("%(name)s is registered.") % {"name": person.name})
            return redirect("control:person_detail", pk=person.pk)
    return render(
        request,
        "control/person_form.html",
        {
            **context,
            "form": form,
            "title": _("Register a person"),
            "existing_url": getattr(form, "existing_url", None),
            "back": reverse("control:person_list"),
        },
    )


def _unless_opened(request, person: Person):
    """Pages that show or change what is in the file need the file opened with a reason
    first (the opening is what is logged): otherwise, to the reason page and back."""
    if _opened(request, person) is not None:
        return None
    messages.info(request, _("Open the file first, giving the reason."))
    detail = reverse("control:person_detail", args=[person.pk])
    return redirect(f"{detail}?{urlencode({'next': request.get_full_path()})}")


@require_http_methods(["GET", "POST"])
def person_edit(request, pk: int):
    _require_control(request)
    person = get_scoped_or_404(Person, request.user, pk, CHANGE)
    if (closed := _unless_opened(request, person)) is not None:
        return closed
    initial = {
        "name": person.name,
        "gender": person.gender,
        "household_address": person.household_address,
        "drug_types": person.drug_types,
        "notes": person.notes,
    }
    form = f.PersonForm(request.POST or None, user=request.user, person=person, initial=initial)
    context: dict[str, Any] = {}
    if request.method == "POST" and form.is_valid():
        try:
            registry.update_person(request.user, person, **form.changes())
        except registry.DuplicatePerson as exc:
            _duplicate(form, exc)
        except Refused as exc:
            context = _refusal(form, exc)
        else:
            messages.success(request, _("The entry is corrected."))
            return redirect("control:person_detail", pk=person.pk)
    return render(
        request,
        "control/person_form.html",
        {
            **context,
            "form": form,
            "person": person,
            "title": _("Correct the entry"),
            "existing_url": getattr(form, "existing_url", None),
            "back": reverse("control:person_detail", args=[person.pk]),
        },
    )


# ---------------------------------------------------------------- the file


@dataclass(frozen=True)
class OpenedFile:
    """What the opening granted: the numbers as ``open_file`` decided to show them."""

    id_number: str
    phone: str
    full_id_number: bool
    opened_at: float


def _grants(request) -> dict:
    grants = request.session.get(SESSION_KEY, {})
    now = time.time()
    return {k: v for k, v in grants.items() if registry.grant_is_open(v.get("at", 0), now)}


def _grant(request, person: Person, opened: registry.PersonFile) -> None:
    grants = _grants(request)
    grants[str(person.pk)] = {
        "at": time.time(),
        "access": opened.access.pk,
        "full_id": opened.full_id_number,
        "full_phone": bool(opened.phone) and opened.phone != person.phone_masked,
    }
    request.session[SESSION_KEY] = grants


def _opened(request, person: Person) -> OpenedFile | None:
    grant = _grants(request).get(str(person.pk))
    if grant is None:
        return None
    return OpenedFile(
        id_number=person.id_number if grant["full_id"] else person.id_masked,
        phone=person.phone if grant["full_phone"] else person.phone_masked,
        full_id_number=grant["full_id"],
        opened_at=grant["at"],
    )


@require_http_methods(["GET", "POST"])
def person_detail(request, pk: int):
    _require_control(request)
    person = get_scoped_or_404(Person, request.user, pk)
    opened = _opened(request, person)
    if opened is not None and opened.full_id_number and otp.recheck_due(request):
        # A full identity number: the second factor again if the last check is old.
        return redirect(f"{reverse('accounts:otp')}?next={request.path}")
    if opened is None or request.method == "POST":
        form = f.OpenFileForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = registry.open_file(request.user, person, **form.cleaned_data)
            except Refused as exc:
                _refusal(form, exc)
            else:
                _grant(request, person, result)
                target = request.GET.get("next", "")
                if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
                    return redirect(target)
                return redirect("control:person_detail", pk=person.pk)
        return render(request, "control/file_open.html", {"person": person, "form": form})
    return render(request, "control/person_detail.html", _file_context(request, person, opened))


def _file_context(request, person: Person, opened: OpenedFile) -> dict:
    today = timezone.localdate()
    person = Person.objects.select_related("residence_unit__parent").get(pk=person.pk)
    policy = control_policy()
    tests = list(person.tests.all())
    order_list = list(person.orders.select_related("continues").prefetch_related("continued_by"))
    schedules = []
    for order in order_list:
        schedule = selectors.schedule_of(order, tests, today)
        if schedule is not None:
            schedules.append(schedule)
    abstinence = None if person.left_control_on else followups.abstinence_of(person, today)
    return {
        "person": person,
        "file": opened,
        "today": today,
        "can_change": can(request.user, CHANGE, person),
        "drug_types": [policy.code_name("drug_types", c) for c in person.drug_types],
        "status_changes": person.status_changes.all(),
        "moves": person.moves.select_related("from_unit", "to_unit"),
        "findings": person.findings.all(),
        "risks": person.risk_assessments.all(),
        "orders": order_list,
        "schedules": schedules,
        "assignments": person.assignments.select_related("responsible_user"),
        "contacts": person.contacts.all(),
        "tests": tests,
        "leaves": person.leaves.all(),
        "follow_ups": person.follow_ups.select_related("test", "order"),
        "sick": person.sick_disabled.all(),
        "relapses": RelapseReport.objects.restrict(request.user, VIEW).filter(person=person),
        "abstinence": abstinence,
        "articles": policy.articles,
    }


# ---------------------------------------------------------------- actions on a file


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
    _require_control(request)
    spec = ACTIONS[name]
    obj = get_scoped_or_404(spec.model, request.user, pk, CHANGE)
    person = _person_of(obj)
    if (closed := _unless_opened(request, person)) is not None:
        return closed
    kwargs = {"user": request.user} if spec.needs_user else {}
    form = spec.form(request.POST or None, initial=_today_initial(spec.form), **kwargs)
    detail = reverse("control:person_detail", args=[person.pk])
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = ""
    context: dict[str, Any] = {}
    if request.method == "POST" and form.is_valid():
        try:
            spec.run(request.user, obj, form.cleaned_data)
        except Refused as exc:
            context = _refusal(form, exc)
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


# ---------------------------------------------------------------- office lists


def _access_log(request):
    require_office_user(request)
    filterset = FileAccessFilter(
        request.GET or None, queryset=FileAccess.objects.all(), request=request, page=True
    )
    return filterset.form, filterset.select(FileAccess.objects.all(), **filterset.values())


def _period_words(form) -> str:
    """ "2026-01-01 – 2026-03-31" from a filter form's dates, if any were given."""
    if not form.is_valid():
        return ""
    start, end = form.cleaned_data.get("date_from"), form.cleaned_data.get("date_to")
    if not start and not end:
        return ""
    return f"{start or '…'} – {end or '…'}"


def access_log(request):
    form, items = _access_log(request)
    return render(
        request, "control/access_log.html", {"form": form, "page": paginate(request, items, 50)}
    )


def access_log_export(request):
    _form, items = _access_log(request)
    rows = (
        [
            a.at,
            str(a.user),
            a.person.name,
            a.person.id_masked,
            a.get_reason_display(),
            a.note,
            a.ip or "",
            _("Yes") if a.full_numbers else _("No"),
        ]
        for a in items.iterator(chunk_size=500)
    )
    return xlsx_response(
        request,
        basename=_("file-access-log"),
        title=_("File access log"),
        period=_period_words(_form),
        headers=[
            _("At"),
            _("User"),
            _("Person"),
            _("Identity number"),
            _("Reason"),
            _("Details"),
            _("IP address"),
            _("Full numbers shown"),
        ],
        rows=rows,
        what="control.FileAccess",
    )


def _follow_ups(request):
    _require_control(request)
    # The page lists what is open unless another status is asked for.
    data = request.GET.copy()
    data.setdefault("status", FollowUpStatus.OPEN)
    filterset = FollowUpFilter(data, queryset=FollowUp.objects.all(), request=request, page=True)
    return filterset.form, filterset.select(FollowUp.objects.all(), **filterset.values())


def follow_up_list(request):
    form, items = _follow_ups(request)
    return render(
        request,
        "control/followups.html",
        {
            "form": form,
            "page": paginate(request, items),
            "can_change": scope_for(request.user).may(CHANGE, FollowUp),
            "today": timezone.localdate(),
        },
    )


def follow_up_export(request):
    _form, items = _follow_ups(request)
    rows = (
        [
            fu.person.name,
            fu.person.id_masked,
            fu.person.residence_unit.name,
            fu.get_kind_display(),
            fu.reason,
            "、".join(fu.basis),
            fu.due_date,
            timezone.localtime(fu.created_at).date(),
        ]
        for fu in items.iterator(chunk_size=500)
    )
    return xlsx_response(
        request,
        basename=_("open-follow-ups"),
        title=_("Open follow-ups"),
        headers=[
            _("Full name"),
            _("Identity number"),
            _("Residence"),
            _("Kind"),
            _("Why"),
            _("Basis"),
            _("Due"),
            _("Raised on"),
        ],
        rows=rows,
        what="control.FollowUp",
    )


def _overdue(request):
    _require_control(request)
    form = f.OverdueFilterForm(request.GET or None)
    mine = form.is_valid() and form.cleaned_data["mine"]
    today = timezone.localdate()
    schedules = selectors.overdue_tests(
        request.user, today, responsible=request.user if mine else None
    )
    return form, schedules, today


def overdue_tests(request):
    form, schedules, today = _overdue(request)
    return render(
        request,
        "control/overdue_tests.html",
        {"form": form, "page": paginate(request, schedules), "today": today},
    )


def overdue_tests_export(request):
    _form, schedules, _today = _overdue(request)
    rows = (
        [
            s.order.person.name,
            s.order.person.id_masked,
            s.order.get_kind_display(),
            s.order.reported_date,
            "；".join(f"{w.window.start:%Y-%m-%d}–{w.window.end:%Y-%m-%d}" for w in s.overdue),
        ]
        for s in schedules
    )
    return xlsx_response(
        request,
        basename=_("overdue-tests"),
        title=_("Overdue tests"),
        headers=[
            _("Full name"),
            _("Identity number"),
            _("Order"),
            _("Reported on"),
            _("Overdue test windows"),
        ],
        rows=rows,
        what="control.UrineTest",
    )


urlpatterns = [
    path("persons/", person_list, name="person_list"),
    path("persons/export/", person_export, name="person_export"),
    path("persons/new/", person_create, name="person_create"),
    path("persons/<int:pk>/", person_detail, name="person_detail"),
    path("persons/<int:pk>/edit/", person_edit, name="person_edit"),
    *[
        path(
            f"{prefix}/<int:pk>/{slug}/",
            action,
            {"name": name},
            name=f"{'person_' if prefix == 'persons' else ''}{name}",
        )
        for name, prefix, slug in [
            ("status", "persons", "status"),
            ("move", "persons", "move"),
            ("finding", "persons", "finding"),
            ("risk", "persons", "risk"),
            ("assign", "persons", "assign"),
            ("order", "persons", "order"),
            ("test", "persons", "test"),
            ("leave", "persons", "leave"),
            ("sick", "persons", "sick"),
            ("abstinence", "persons", "abstinence"),
            ("contact", "persons", "contact"),
            ("move_report", "moves", "report"),
            ("assignment_end", "assignments", "end"),
            ("order_report", "orders", "report"),
            ("order_end", "orders", "end"),
            ("order_resume", "orders", "resume"),
            ("order_extend", "orders", "extend"),
            ("leave_decide", "leaves", "decide"),
            ("leave_extend", "leaves", "extend"),
            ("leave_return", "leaves", "return"),
            ("sick_admission", "sick", "admission"),
            ("followup_close", "follow-ups", "close"),
        ]
    ],
    path("access-log/", access_log, name="access_log"),
    path("access-log/export/", access_log_export, name="access_log_export"),
    path("follow-ups/", follow_up_list, name="followups"),
    path("follow-ups/export/", follow_up_export, name="followups_export"),
    path("overdue-tests/", overdue_tests, name="overdue_tests"),
    path("overdue-tests/export/", overdue_tests_export, name="overdue_tests_export"),
]
