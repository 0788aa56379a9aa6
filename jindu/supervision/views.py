import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jindu.core.errors import Refused
from jindu.core.models import HolidayArrangement
from jindu.core.scoping import CHANGE, VIEW, is_office, scope_for
from jindu.core.services import attachments_of
from jindu.core.views import (
    apply_refusal,
    get_scoped_or_404,
    local_target,
    paginate,
    require_office_user,
)
from jindu.orgs.models import UnitLevel
from jindu.policy.registry import current_policy

from . import reporting, selectors, services
from .filters import LetterFilter, ObligationFilter, ReportFilter
from .forms import (
    CampaignForm,
    EventForm,
    HolidayForm,
    LetterForm,
    MeetingForm,
    ReasonForm,
    ReportForm,
    ReviewForm,
)
from .models import (
    Campaign,
    MajorEvent,
    Meeting,
    Notification,
    Obligation,
    ReportKind,
    ReportStatus,
    ResponsibilityLetter,
    WorkReport,
)


def board(request):
    """The office's daily question: who owes us what, and who is late?"""
    today = timezone.localdate()
    filterset = ObligationFilter(
        request.GET or None, queryset=Obligation.objects.all(), request=request, page=True
    )
    form = filterset.form
    items = filterset.select(Obligation.objects.all(), today=today, **filterset.values())
    campaign, phase = selectors.current_phase(today)
    return render(
        request,
        "supervision/board.html",
        {
            "form": form,
            "page": paginate(request, items, 50),
            "today": today,
            "totals": selectors.totals(request.user, today),
            "ranking": selectors.completion_by_unit(
                request.user, year=today.year, today=today, limit=10
            ),
            "months": selectors.completion_by_month(request.user, year=today.year, today=today),
            "campaign": campaign,
            "phase": phase,
            "is_office": is_office(request.user),
        },
    )


def todo(request):
    today = timezone.localdate()
    return render(
        request,
        "supervision/todo.html",
        {
            "items": selectors.todo(request.user, today),
            "today": today,
            "reports": WorkReport.objects.restrict(request.user, VIEW)
            .filter(org_unit_id=request.user.unit_id)
            .order_by("-created_at")[:6],
            # Buttons only for what the role may do (stations and grid workers file no
            # monthly reports).
            "can_report": scope_for(request.user).may(CHANGE, WorkReport)
            and bool(request.user.unit_id),
            "can_report_event": scope_for(request.user).may(CHANGE, MajorEvent),
        },
    )


@require_POST
def generate(request):
    require_office_user(request)
    today = timezone.localdate()
    created = services.generate_obligations(request.user, today)
    services.mark_overdue(today)
    messages.success(request, _("%(n)d new obligations generated.") % {"n": created})
    return redirect("supervision:board")


@require_http_methods(["GET", "POST"])
def waive(request, pk: int):
    require_office_user(request)
    obligation = get_scoped_or_404(Obligation, request.user, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.waive(request.user, obligation, form.cleaned_data["reason"])
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            messages.success(request, _("Obligation waived."))
            return redirect("supervision:board")
    return render(
        request,
        "supervision/form.html",
        {"form": form, "title": _("Waive: %(what)s") % {"what": obligation}},
    )


# ---------------------------------------------------------------- reports


def report_list(request):
    filterset = ReportFilter(
        request.GET or None, queryset=WorkReport.objects.all(), request=request, page=True
    )
    return render(
        request,
        "supervision/report_list.html",
        {
            "form": filterset.form,
            "page": paginate(request, filterset.qs),
            "can_write": scope_for(request.user).may(CHANGE, WorkReport) and request.user.unit_id,
        },
    )


@require_http_methods(["GET", "POST"])
def report_edit(request):
    """A unit's own report for a period: create or continue the draft, then submit."""
    if not scope_for(request.user).may(CHANGE, WorkReport) or not request.user.unit_id:
        raise PermissionDenied
    unit = request.user.unit
    today = timezone.localdate()
    kind = request.POST.get("kind") or request.GET.get("kind") or ReportKind.MONTHLY
    if kind not in ReportKind.values:
        kind = ReportKind.MONTHLY
    default_period = (
        (today.replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")
        if kind == ReportKind.MONTHLY
        else str(today.year)
    )
    period = request.POST.get("period") or request.GET.get("period") or default_period
    existing = WorkReport.objects.filter(kind=kind, org_unit=unit, period=period).first()
    initial = {"kind": kind, "period": period, **(existing.data if existing else {})}
    form = ReportForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        fields=reporting.report_fields(),
        kind=kind,
    )
    if request.method == "POST" and form.is_valid():
        try:
            report = reporting.file_report(
                request.user,
                kind=kind,
                org_unit=unit,
                period=form.cleaned_data["period"],
                data=form.data_fields(),
                files=form.cleaned_data["files"],
                submit="submit" in request.POST,
            )
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            messages.success(
                request, _("Report submitted.") if "submit" in request.POST else _("Draft saved.")
            )
            return redirect("supervision:report_detail", pk=report.pk)
    return render(
        request, "supervision/report_form.html", {"form": form, "report": existing, "kind": kind}
    )


@require_http_methods(["GET", "POST"])
def report_detail(request, pk: int):
    report = get_scoped_or_404(WorkReport, request.user, pk)
    review = ReviewForm(request.POST or None)
    unlock = ReasonForm(request.POST or None, prefix="unlock")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in ("accept", "return"):
                if review.is_valid():
                    reporting.review_report(
                        request.user,
                        report,
                        accept=action == "accept",
                        comment=review.cleaned_data["comment"],
                    )
            elif action == "unlock":
                if unlock.is_valid():
                    reporting.unlock_report(request.user, report, unlock.cleaned_data["reason"])
            elif action == "submit":
                reporting.submit_report(request.user, report)
            elif action == "delete":
                reporting.delete_draft(request.user, report)
                messages.success(request, _("The draft was deleted."))
                return redirect("supervision:report_list")
            else:
                raise PermissionDenied
        except Refused as exc:
            if exc.status == 403:
                raise PermissionDenied from exc
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Done."))
        return redirect("supervision:report_detail", pk=pk)
    fields = (
        [(f.name, report.data.get(f.code)) for f in reporting.report_fields()]
        if report.kind == ReportKind.MONTHLY
        else [(_("Content"), report.data.get("text"))]
    )
    return render(
        request,
        "supervision/report_detail.html",
        {
            "report": report,
            "fields": fields,
            "files": attachments_of(report),
            "review": review,
            "unlock": unlock,
            # The buttons are exactly the named actions the user may take now.
            "actions": reporting.report_actions(request.user, report),
            "may_delete": report.status == ReportStatus.DRAFT
            and report.created_by_id == request.user.pk,
        },
    )


# ---------------------------------------------------------------- events, meetings, letters


@require_http_methods(["GET", "POST"])
def event_list(request):
    form = None
    if scope_for(request.user).may(CHANGE, MajorEvent):
        form = EventForm(
            request.POST or None,
            user=request.user,
            initial={"occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")},
        )
        if request.method == "POST" and form.is_valid():
            try:
                reporting.report_major_event(request.user, **form.cleaned_data)
            except Refused as exc:
                if exc.status == 403:
                    raise PermissionDenied from exc
                apply_refusal(form, exc)
            else:
                messages.success(request, _("Reported. The county office has been notified."))
                return redirect("supervision:event_list")
    elif request.method == "POST":
        raise PermissionDenied
    events = MajorEvent.objects.restrict(request.user, VIEW).select_related("org_unit")
    return render(
        request, "supervision/event_list.html", {"form": form, "page": paginate(request, events)}
    )


def meeting_list(request):
    meetings = Meeting.objects.restrict(request.user, VIEW).prefetch_related("attendees")
    return render(
        request,
        "supervision/meeting_list.html",
        {"page": paginate(request, meetings), "is_office": is_office(request.user)},
    )


@require_http_methods(["GET", "POST"])
def meeting_create(request):
    require_office_user(request)
    form = MeetingForm(
        request.POST or None, user=request.user, initial={"date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = reporting.record_meeting(
                request.user,
                date=data["date"],
                title=data["title"],
                minutes=data["minutes"],
                attendees=data["attendees"],
                decisions=data["decisions"],
            )
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            messages.success(request, _("Meeting recorded."))
            return redirect("supervision:meeting_detail", pk=meeting.pk)
    return render(request, "supervision/form.html", {"form": form, "title": _("Record a meeting")})


def meeting_detail(request, pk: int):
    meeting = get_scoped_or_404(Meeting, request.user, pk)
    return render(request, "supervision/meeting_detail.html", {"meeting": meeting})


@require_http_methods(["GET", "POST"])
def letters(request):
    today = timezone.localdate()
    # The year as GET /api/v1/responsibility-letters/ reads it (1900–2100), else this year.
    year = LetterFilter(request.GET or None, request=request, page=True).values().get("year")
    year = year or today.year
    form = None
    if is_office(request.user) or scope_for(request.user).may(CHANGE, ResponsibilityLetter):
        form = LetterForm(
            request.POST or None,
            request.FILES or None,
            user=request.user,
            initial={"signed_on": today, "year": year},
        )
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            try:
                reporting.record_letter(request.user, **data)
            except Refused as exc:
                if exc.status == 403:
                    raise PermissionDenied from exc
                apply_refusal(form, exc)
            else:
                messages.success(request, _("Letter recorded."))
                return redirect(f"{request.path}?year={data['year']}")
    elif request.method == "POST":
        raise PermissionDenied
    coverage, missing = selectors.letter_coverage(request.user, year)
    signed = (
        ResponsibilityLetter.objects.restrict(request.user, VIEW)
        .filter(year=year)
        .select_related("upper_unit", "lower_unit")
    )
    return render(
        request,
        "supervision/letters.html",
        {
            "year": year,
            "coverage": coverage,
            "missing": paginate(request, missing, 50),
            "signed": signed,
            "form": form,
            "levels": dict(UnitLevel.choices),
        },
    )


# ---------------------------------------------------------------- campaigns, holidays, inbox


def campaigns(request):
    today = timezone.localdate()
    campaign, phase = selectors.current_phase(today)
    return render(
        request,
        "supervision/campaigns.html",
        {
            "campaigns": Campaign.objects.prefetch_related("phases"),
            "current": campaign,
            "phase": phase,
            "today": today,
            "is_office": is_office(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def campaign_create(request):
    require_office_user(request)
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reporting.create_campaign(request.user, **form.cleaned_data)
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            messages.success(request, _("Campaign created."))
            return redirect("supervision:campaigns")
    return render(request, "supervision/form.html", {"form": form, "title": _("New campaign")})


@require_http_methods(["GET", "POST"])
def holidays(request):
    require_office_user(request)
    today = timezone.localdate()
    form = HolidayForm(request.POST or None, initial={"year": today.year + 1})
    if request.method == "POST" and form.is_valid():
        try:
            count = reporting.save_holidays(request.user, **form.cleaned_data)
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            messages.success(request, _("%(n)d days saved.") % {"n": count})
            return redirect("supervision:holidays")
    from jindu.core import workdays

    years = list(range(today.year - 1, today.year + 3))
    return render(
        request,
        "supervision/holidays.html",
        {
            "form": form,
            "known": workdays.known_years(years),
            "days": HolidayArrangement.objects.filter(date__year__gte=today.year - 1),
            "policy": current_policy(),
        },
    )


def notifications(request):
    """The user's notifications; POST marks one (``id``) or all as read. A notification
    opened through ``?open=ID`` is marked read and followed."""
    from . import notifications as service

    items = Notification.objects.filter(user=request.user)
    if request.method == "POST":
        pk = request.POST.get("id", "")
        service.mark_read(request.user, int(pk) if pk.isdigit() else None)
        # Back to where the button was, on this site only.
        default = reverse("supervision:notifications")
        return redirect(local_target(request, request.POST.get("next", ""), default))
    opened = request.GET.get("open", "")
    if opened.isdigit():
        note = items.filter(pk=int(opened)).first()
        if note is not None:
            service.mark_read(request.user, note.pk)
            if note.url.startswith("/") and not note.url.startswith("//"):
                return redirect(note.url)
            return redirect("supervision:notifications")
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        items = items.filter(read_at__isnull=True)
    return render(
        request,
        "supervision/notifications.html",
        {"page": paginate(request, items), "unread_only": unread_only},
    )
