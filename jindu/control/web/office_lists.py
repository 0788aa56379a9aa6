"""The office's lists and their Excel exports: the file-access log (the office only), the
follow-ups (open unless another status is asked for) and the overdue tests."""

from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from jindu.core.exports import xlsx_response
from jindu.core.scoping import CHANGE, scope_for
from jindu.core.views import paginate, require_office_user

from .. import forms as f
from .. import selectors
from ..filters import FileAccessFilter, FollowUpFilter
from ..models import FileAccess, FollowUp, FollowUpStatus
from . import require_control


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
    require_control(request.user)
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
    require_control(request.user)
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
    path("access-log/", access_log, name="access_log"),
    path("access-log/export/", access_log_export, name="access_log_export"),
    path("follow-ups/", follow_up_list, name="followups"),
    path("follow-ups/export/", follow_up_export, name="followups_export"),
    path("overdue-tests/", overdue_tests, name="overdue_tests"),
    path("overdue-tests/export/", overdue_tests_export, name="overdue_tests_export"),
]
