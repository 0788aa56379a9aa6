"""Pages: schools, classes and lessons, class-hour compliance, 青骄第二课堂 figures."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jindu.core import jobs, xlsx
from jindu.core.errors import Refused
from jindu.core.scoping import VIEW, is_office
from jindu.core.views import apply_refusal, get_scoped_or_404, paginate

from .. import rules, selectors, services
from ..access import records_for_school, runs_schools, school_account_of, works_on_schools
from ..filters import SchoolFilter
from ..models import QingjiaoFigures, School, SchoolAccount, SchoolClass
from ..policy import prevention_policy
from . import forms


def _require(user):
    # Everyone on prevention, and a school account (which sees its own school only).
    if not works_on_schools(user):
        raise PermissionDenied


def _manages(user, school) -> bool:
    """The office, or the school's supervising unit (the 教育局)."""
    return runs_schools(user) and (is_office(user) or user.unit_id == school.supervisor_id)


@require_http_methods(["GET", "POST"])
def school_list(request):
    _require(request.user)
    can_register = runs_schools(request.user)
    form = forms.SchoolForm(request.POST or None, user=request.user) if can_register else None
    if request.method == "POST":
        if not can_register:
            raise PermissionDenied
        if form.is_valid():
            try:
                school = services.register_school(request.user, **form.cleaned_data)
            except Refused as exc:
                apply_refusal(form, exc)
            else:
                messages.success(request, _("School registered."))
                return redirect("prevention:school_detail", pk=school.pk)
    # The page and GET /api/v1/schools/ read one FilterSet.
    schools = SchoolFilter(
        request.GET or None,
        School.objects.restrict(request.user, VIEW).select_related("org_unit"),
        request=request,
        page=True,
    )
    rows, q = schools.qs, schools.values().get("q", "")
    return render(
        request,
        "prevention/school_list.html",
        {"page": paginate(request, rows), "form": form, "q": q},
    )


@require_http_methods(["GET", "POST"])
def school_detail(request, pk: int):
    _require(request.user)
    school = get_scoped_or_404(School, request.user, pk)
    policy = prevention_policy()
    manages = _manages(request.user, school)
    can_change = records_for_school(request.user, school)
    which = request.POST.get("form")
    class_form = forms.SchoolClassForm(request.POST if which == "class" else None, prefix="class")
    own_account = school_account_of(request.user) == school.pk
    record_form = forms.SchoolRecordForm(
        request.POST if which == "record" else None,
        policy=policy,
        by_school=own_account,
        prefix="rec",
    )
    account_form = forms.SchoolAccountForm(
        request.POST if which == "account" else None, prefix="acc"
    )
    if request.method == "POST":
        # Classes and the records the rule book gives the school: the school's own account
        # too; accounts: the office and the education bureau.
        allowed = {"class": can_change, "record": manages or own_account}.get(which, manages)
        if not allowed:
            raise PermissionDenied
        try:
            if which == "account" and account_form.is_valid():
                account = services.create_school_account(
                    request.user, school=school, **account_form.cleaned_data
                )
                messages.success(
                    request,
                    _("School account %(username)s created.") % {"username": account.user},
                )
                return redirect("prevention:school_detail", pk=school.pk)
            if request.POST.get("form") == "class" and class_form.is_valid():
                services.add_class(request.user, school=school, **class_form.cleaned_data)
                messages.success(request, _("Class added."))
                return redirect("prevention:school_detail", pk=school.pk)
            if request.POST.get("form") == "record" and record_form.is_valid():
                services.record_school_activity(
                    request.user, school=school, **record_form.cleaned_data
                )
                messages.success(request, _("Record saved."))
                return redirect("prevention:school_detail", pk=school.pk)
        except Refused as exc:
            apply_refusal(
                {"class": class_form, "account": account_form}.get(which, record_form), exc
            )
    rows = selectors.class_hours_rows(selectors.class_hours(request.user, school=school))
    kinds = policy.school_record_kinds
    records = [
        (r, kinds[r.kind].name if r.kind in kinds else r.kind) for r in school.records.all()[:50]
    ]
    figures = list(QingjiaoFigures.objects.filter(school=school).order_by("-school_year"))
    return render(
        request,
        "prevention/school_detail.html",
        {
            "school": school,
            "rows": rows,
            "class_form": class_form,
            "record_form": record_form,
            "records": records,
            "figures": figures,
            "min_registration": policy.qingjiao_min_registration,
            "can_change": can_change,
            "manages": manages,
            "records_activities": manages or own_account,
            "account_form": account_form,
            "accounts": (
                SchoolAccount.objects.filter(school=school).select_related("user")
                if manages
                else ()
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def class_detail(request, pk: int):
    _require(request.user)
    school_class = get_scoped_or_404(SchoolClass, request.user, pk)
    school = school_class.school
    can_change = records_for_school(request.user, school)
    form = forms.LessonForm(
        request.POST or None, initial={"date": timezone.localdate(), "hours": 1}
    )
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.record_lesson(request.user, school_class=school_class, **form.cleaned_data)
            except Refused as exc:
                apply_refusal(form, exc)
            else:
                messages.success(request, _("Lesson recorded."))
                return redirect("prevention:class_detail", pk=school_class.pk)
    policy = prevention_policy()
    recorded = school_class.lessons.aggregate(total=Sum("hours"))["total"] or 0
    outcome = rules.class_hours(policy, school_class.grade, float(recorded))
    return render(
        request,
        "prevention/class_detail.html",
        {
            "school_class": school_class,
            "lessons": school_class.lessons.all(),
            "outcome": outcome,
            "form": form,
            "can_change": can_change,
        },
    )


def class_hours(request):
    _require(request.user)
    form = forms.ClassHoursFilterForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    policy = prevention_policy()
    school_year = (
        data.get("school_year") or rules.school_year_of(policy, timezone.localdate()) or ""
    )
    school = data.get("school")
    page = paginate(
        request,
        selectors.class_hours(request.user, school=school, school_year=school_year),
        per_page=50,
    )
    summary = selectors.class_hours_summary(request.user, school=school, school_year=school_year)
    return render(
        request,
        "prevention/class_hours.html",
        {
            "form": form,
            "page": page,
            "rows": selectors.class_hours_rows(page),
            "summary": summary,
            "school_year": school_year,
            "rule": policy.class_hours,
        },
    )


@require_http_methods(["GET", "POST"])
def qingjiao_import(request):
    if not runs_schools(request.user):
        raise PermissionDenied
    form = forms.QingjiaoImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload, school_year = form.cleaned_data["file"], form.cleaned_data["school_year"]
        if xlsx.is_large(upload) or form.cleaned_data["background"]:
            job = jobs.start(
                request.user, "prevention.qingjiao", upload, {"school_year": school_year}
            )
            return redirect("job", pk=job.pk)
        try:
            count = services.import_qingjiao(request.user, upload, school_year)
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            messages.success(request, _("%(n)d schools' figures imported.") % {"n": count})
            return redirect("prevention:school_list")
    return render(
        request,
        "prevention/simple_form.html",
        {
            "form": form,
            "title": _("Import 青骄第二课堂 figures"),
            "multipart": True,
            "back": "prevention:school_list",
            "columns": services.QINGJIAO_COLUMNS,
        },
    )
