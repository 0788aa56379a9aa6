"""What fulfils obligations: work reports, meetings, responsibility letters; and major events,
campaigns and the office's holiday data. Each action checks, writes and audits."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jindu.audit import services as audit
from jindu.core.errors import NotAllowed, Refused
from jindu.core.models import HolidayArrangement
from jindu.core.scoping import (
    CHANGE,
    available_actions,
    is_office,
    may_act_on_unit,
    require_action,
    require_office,
)
from jindu.core.services import attach, attachments_of
from jindu.orgs.models import OrgUnit, UnitLevel
from jindu.policy.registry import get_policy

from . import notifications, reminders, rules, services
from .models import (
    Campaign,
    MajorEvent,
    Meeting,
    MeetingDecision,
    Obligation,
    ObligationKind,
    ObligationStatus,
    Phase,
    ReportKind,
    ReportStatus,
    ResponsibilityLetter,
    WorkReport,
)


def _may_write(actor, model, unit, action: str = CHANGE) -> None:
    if actor is not None and not may_act_on_unit(actor, action, model, unit):
        raise NotAllowed()


# ---------------------------------------------------------------- work reports (方案五（二）)


def report_fields():
    return get_policy().report_fields


def _check_data(kind: str, data: dict) -> dict:
    """Keep the policy's fields only; numbers must be whole and not negative."""
    clean, errors = {}, {}
    if kind == ReportKind.MONTHLY:
        fields = report_fields()
    else:
        fields = ()
        clean["text"] = str(data.get("text", "")).strip()
    for field in fields:
        value = data.get(field.code, "")
        if field.type == "number":
            if value in ("", None):
                value = None
            else:
                try:
                    value = int(value)
                except (TypeError, ValueError):
                    errors.setdefault(field.code, []).append(_("Enter a whole number."))
                    continue
                if value < 0:
                    errors.setdefault(field.code, []).append(_("Cannot be negative."))
                    continue
        else:
            value = str(value or "").strip()
        clean[field.code] = value
    if errors:
        raise Refused(next(iter(errors.values()))[0], errors=errors)
    return clean


# WorkReport's named actions beyond change (WorkReport.scope_actions).
SUBMIT = "submit"
REVIEW = "review"
UNLOCK = "unlock"


def report_actions(user, report: WorkReport) -> tuple[str, ...]:
    """What ``user`` may do with ``report`` now (page buttons and the API's ``actions``): the
    named actions of WorkReport its state allows; a unit edits and submits its own reports."""
    # Callers read the report through the scoping layer (a scoped page, the API's queryset).
    actions = available_actions(user, report, known_visible=True)
    if getattr(user, "unit_id", None) != report.org_unit_id:
        actions = tuple(a for a in actions if a not in (CHANGE, SUBMIT))
    return actions


@transaction.atomic
def file_report(
    actor,
    *,
    kind: str,
    org_unit: OrgUnit,
    period: str,
    data: dict,
    files=(),
    submit: bool = False,
) -> WorkReport:
    """Save a report, attach its files and, if asked, submit it — one action: when the files
    or the submission are refused, the draft is not saved either."""
    report = save_report(actor, kind=kind, org_unit=org_unit, period=period, data=data)
    attach(actor, report, files)
    if submit:
        report = submit_report(actor, report)
    return report


@transaction.atomic
def save_report(
    actor, *, kind: str, org_unit: OrgUnit, period: str, data: dict, new: bool = False
) -> WorkReport:
    """Create or update a draft (or a returned report). ``new``: only create — a report for
    a unit, kind and period that exists already is refused (one report per unit and month)."""
    _may_write(actor, WorkReport, org_unit)
    if kind not in ReportKind.values:
        raise Refused(_("Unknown kind of report."), field="kind")
    period = (period or "").strip()
    problem = rules.report_period_problem(
        kind,
        period,
        timezone.localdate(),
        Campaign.objects.values_list("code", flat=True),
    )
    if problem:
        raise Refused(problem, field="period")
    clean = _check_data(kind, data)
    report = (
        WorkReport.objects.select_for_update()
        .filter(kind=kind, org_unit=org_unit, period=period)
        .first()
    )
    if report is not None and new:
        raise Refused(
            _("%(unit)s already has a report for %(period)s; open it to continue.")
            % {"unit": org_unit.name, "period": period},
            field="period",
        )
    if report is None:
        report = WorkReport.objects.create(
            kind=kind, org_unit=org_unit, period=period, data=clean, created_by=actor
        )
        audit.record_create(actor, report)
        return report
    if report.locked or report.status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED):
        raise Refused(_("This report has been submitted; it can no longer be edited."))
    before = audit.snapshot(report)
    report.data = clean
    report.save(update_fields=["data"])
    audit.record_update(actor, report, before)
    return report


@transaction.atomic
def delete_draft(actor, report: WorkReport) -> None:
    """Its author may delete a draft that was never submitted (a mistaken period, say)."""
    _may_write(actor, WorkReport, report.org_unit)
    report = WorkReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.DRAFT:
        raise Refused(_("Only a draft that was never submitted can be deleted."))
    if actor is not None and report.created_by_id != actor.pk:
        raise NotAllowed(_("Only the author of a draft may delete it."))
    audit.record_delete(actor, report, audit.snapshot(report))
    for attachment in attachments_of(report):
        attachment.file.delete(save=False)
        attachment.delete()
    report.delete()


@transaction.atomic
def submit_report(actor, report: WorkReport) -> WorkReport:
    _may_write(actor, WorkReport, report.org_unit, SUBMIT)
    report = WorkReport.objects.select_for_update().get(pk=report.pk)
    if report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        raise Refused(_("This report has already been submitted."))
    if report.kind == ReportKind.MONTHLY:
        missing = [f for f in report_fields() if f.required and not report.data.get(f.code)]
        if missing:
            raise Refused(
                _("Fill in: %(fields)s.") % {"fields": "、".join(f.name for f in missing)},
                errors={f.code: [_("This field is required.")] for f in missing},
            )
    elif not report.data.get("text"):
        raise Refused(_("The report is empty."), field="text")
    before = audit.snapshot(report)
    now = timezone.now()
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = now
    obligation = services.fulfil(
        actor, kind=report.kind, org_unit=report.org_unit, period=report.period, record=report
    )
    report.submitted_late = bool(obligation and obligation.status == ObligationStatus.LATE)
    report.save()
    audit.record_update(actor, report, before)
    return report


@transaction.atomic
def submit_reports(actor, items) -> list[WorkReport]:
    """Many reports filed and submitted at once (a loader's months of reports), each checked
    as ``save_report`` and ``submit_report`` check one; the first problem refuses them all.
    Each item is a dict of ``kind``, ``org_unit``, ``period``, ``data`` and ``on`` (the day it
    is submitted, which decides whether the obligation is fulfilled late). Existing reports are
    read in one query, the new ones inserted at once, each audited, and their obligations
    fulfilled together (``services.fulfil_many``)."""
    items = list(items)
    codes = list(Campaign.objects.values_list("code", flat=True))
    today = timezone.localdate()
    seen = set(
        WorkReport.objects.filter(
            org_unit_id__in={i["org_unit"].pk for i in items},
            period__in={i["period"] for i in items},
        ).values_list("kind", "org_unit_id", "period")
    )
    now = timezone.now()
    rows = []
    for item in items:
        kind, org_unit, period = item["kind"], item["org_unit"], item["period"]
        _may_write(actor, WorkReport, org_unit, SUBMIT)
        problem = rules.report_period_problem(kind, period, today, codes)
        if problem:
            raise Refused(problem, field="period")
        clean = _check_data(kind, item["data"])
        if kind == ReportKind.MONTHLY:
            missing = [f for f in report_fields() if f.required and not clean.get(f.code)]
            if missing:
                raise Refused(
                    _("Fill in: %(fields)s.") % {"fields": "、".join(f.name for f in missing)},
                    errors={f.code: [_("This field is required.")] for f in missing},
                )
        elif not clean.get("text"):
            raise Refused(_("The report is empty."), field="text")
        if (kind, org_unit.pk, period) in seen:
            raise Refused(
                _("%(unit)s already has a report for %(period)s; open it to continue.")
                % {"unit": org_unit.name, "period": period},
                field="period",
            )
        seen.add((kind, org_unit.pk, period))
        rows.append(
            WorkReport(
                kind=kind,
                org_unit=org_unit,
                period=period,
                data=clean,
                created_by=actor,
                status=ReportStatus.SUBMITTED,
                submitted_at=now,
            )
        )
    WorkReport.objects.bulk_create(rows, batch_size=1000)
    fulfilled = services.fulfil_many(
        actor,
        [
            {
                "kind": report.kind,
                "org_unit": report.org_unit,
                "period": report.period,
                "record": report,
                "on": item.get("on"),
            }
            for report, item in zip(rows, items, strict=True)
        ],
    )
    late = {o.fulfilled_by_id for o in fulfilled if o.status == ObligationStatus.LATE}
    changed = [report for report in rows if str(report.pk) in late]
    for report in changed:
        report.submitted_late = True
    WorkReport.objects.bulk_update(changed, ["submitted_late"], batch_size=1000)
    for report in rows:
        audit.record_create(actor, report)
    return rows


@transaction.atomic
def review_report(actor, report: WorkReport, *, accept: bool, comment: str = "") -> WorkReport:
    """The office accepts (the report is then locked) or returns it with comments."""
    require_action(actor, REVIEW, report)
    report = WorkReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.SUBMITTED:
        raise Refused(_("Only a submitted report can be accepted or returned."))
    if not accept and not comment.strip():
        raise Refused(_("Say what must be revised."), field="comment")
    before = audit.snapshot(report)
    report.status = ReportStatus.ACCEPTED if accept else ReportStatus.RETURNED
    report.locked = accept
    report.review_comment = comment.strip()
    report.reviewed_by = actor
    report.reviewed_at = timezone.now()
    report.save()
    audit.record_update(actor, report, before)
    if not accept:
        obligation = Obligation.objects.filter(
            fulfilled_by_model=report._meta.label, fulfilled_by_id=str(report.pk)
        ).first()
        if obligation is not None:
            services.reopen(actor, obligation, comment)
        # The author revises it; without a known author, the unit's staff.
        author = [report.created_by] if report.created_by and report.created_by.is_active else []
        reminders.notify(
            author or report.org_unit.users.filter(is_active=True),
            kind="report_returned",
            key=f"report:{report.pk}:returned:{timezone.now():%Y%m%d%H%M%S}",
            text=_("Your %(kind)s for %(period)s was returned: %(comment)s")
            % {
                "kind": report.get_kind_display(),
                "period": report.period,
                "comment": comment.strip(),
            },
            url=reverse("supervision:report_detail", args=[report.pk]),
        )
    else:
        # The township learns that its report is done (and locked).
        township = report.org_unit.township() or report.org_unit
        reminders.notify(
            notifications.unit_staff({report.org_unit_id, township.pk}),
            kind="report_accepted",
            key=f"report:{report.pk}:accepted:{timezone.now():%Y%m%d%H%M%S}",
            text=_("Your %(kind)s for %(period)s was accepted.")
            % {"kind": report.get_kind_display(), "period": report.period},
            url=reverse("supervision:report_detail", args=[report.pk]),
        )
    return report


@transaction.atomic
def unlock_report(actor, report: WorkReport, reason: str) -> WorkReport:
    """Unlocking an accepted report is an office action, recorded with its reason."""
    require_action(actor, UNLOCK, report)
    if not report.locked:
        raise Refused(_("The report is not locked."))
    if not reason.strip():
        raise Refused(_("Give the reason for unlocking."), field="reason")
    before = audit.snapshot(report)
    report.locked = False
    report.status = ReportStatus.SUBMITTED
    report.review_comment = _("Unlocked: %(reason)s") % {"reason": reason.strip()}
    report.save()
    audit.record_update(actor, report, before)
    return report


# ---------------------------------------------------------------- major events


@transaction.atomic
def report_major_event(
    actor, *, org_unit: OrgUnit, occurred_at, title: str, description: str
) -> MajorEvent:
    """Reported at once (重大情况及时报送); every office administrator is notified now."""
    _may_write(actor, MajorEvent, org_unit)
    if not title.strip() or not description.strip():
        raise Refused(_("Give a title and say what happened."), field="description")
    event = MajorEvent.objects.create(
        org_unit=org_unit,
        occurred_at=occurred_at,
        title=title.strip(),
        description=description.strip(),
        reported_by=actor,
    )
    audit.record_create(actor, event)
    reminders.notify(
        reminders.office_admins(),
        kind="major_event",
        key=f"major_event:{event.pk}",
        text=_("Major event from %(unit)s: %(title)s")
        % {"unit": org_unit.name, "title": event.title},
        url=reverse("supervision:event_list"),
    )
    return event


# ---------------------------------------------------------------- meetings (方案四（四）)


@transaction.atomic
def record_meeting(
    actor,
    *,
    date: datetime.date,
    title: str,
    minutes: str,
    attendees=(),
    decisions=(),
    org_unit: OrgUnit | None = None,
) -> Meeting:
    """``decisions``: (text, owner unit or None, due date or None). A decision with an owner
    and a due date becomes an obligation of that unit."""
    require_office(actor)
    if not minutes.strip():
        raise Refused(_("Record the minutes."), field="minutes")
    org_unit = org_unit or OrgUnit.objects.filter(level=UnitLevel.COUNTY).order_by("pk").first()
    meeting = Meeting.objects.create(
        date=date,
        org_unit=org_unit,
        title=title.strip() or _("Committee meeting"),
        minutes=minutes.strip(),
        recorded_by=actor,
    )
    meeting.attendees.set(attendees)
    policy = get_policy()
    for index, (text, owner, due) in enumerate(decisions, start=1):
        if not text.strip():
            continue
        decision = MeetingDecision.objects.create(
            meeting=meeting, text=text.strip()[:300], owner=owner, due_date=due
        )
        if owner is not None and due is not None:
            obligation = Obligation.objects.create(
                kind=ObligationKind.MEETING_DECISION,
                org_unit=owner,
                subject_unit=owner,
                period=f"{meeting.date:%Y-%m-%d}#{index}",
                due_date=due,
                basis=[policy.supervision.meeting_article]
                if policy.supervision.meeting_article
                else [],
                policy_id=policy.id,
                source_model="supervision.Meeting",
                source_id=str(meeting.pk),
                note=decision.text,
            )
            decision.obligation = obligation
            decision.save(update_fields=["obligation"])
            audit.record_create(actor, obligation)
    audit.record_create(actor, meeting)
    services.fulfil(
        actor,
        kind=ObligationKind.QUARTERLY_MEETING,
        org_unit=org_unit,
        period=meeting.quarter,
        record=meeting,
        on=date,
    )
    return meeting


# ---------------------------------------------------------------- responsibility letters


def _check_letter(actor, upper_unit: OrgUnit, lower_unit: OrgUnit) -> None:
    pairs = {
        (UnitLevel.COUNTY, UnitLevel.TOWNSHIP),
        (UnitLevel.COUNTY, UnitLevel.DEPARTMENT),
        (UnitLevel.TOWNSHIP, UnitLevel.VILLAGE),
    }
    if (upper_unit.level, lower_unit.level) not in pairs:
        raise Refused(
            _(
                "Letters are signed between the county and a township or member unit, "
                "or between a township and one of its villages."
            ),
            field="lower_unit",
        )
    if upper_unit.level == UnitLevel.TOWNSHIP and lower_unit.parent_id != upper_unit.pk:
        raise Refused(_("The village is not in this township."), field="lower_unit")
    if actor is not None and not is_office(actor):
        # A township records the letters its villages signed with it.
        if upper_unit.level != UnitLevel.TOWNSHIP:
            raise NotAllowed()
        _may_write(actor, ResponsibilityLetter, lower_unit)


@transaction.atomic
def record_letter(
    actor,
    *,
    year: int,
    upper_unit: OrgUnit,
    lower_unit: OrgUnit,
    signed_on: datetime.date,
    scan=None,
) -> ResponsibilityLetter:
    """A signed letter: the county with a township or member unit, or a township with one of
    its villages (Plan 四(二), 五(一)), with its scan if given (a refused scan records no
    letter)."""
    _check_letter(actor, upper_unit, lower_unit)
    if ResponsibilityLetter.objects.filter(
        year=year, upper_unit=upper_unit, lower_unit=lower_unit
    ).exists():
        raise Refused(_("This letter is already recorded."), field="lower_unit")
    letter = ResponsibilityLetter.objects.create(
        year=year,
        upper_unit=upper_unit,
        lower_unit=lower_unit,
        signed_on=signed_on,
        recorded_by=actor,
    )
    audit.record_create(actor, letter)
    if scan:
        attach(actor, letter, [scan], field="scan")
    services.fulfil(
        actor,
        kind=ObligationKind.RESPONSIBILITY_LETTER,
        org_unit=lower_unit,
        period=str(year),
        record=letter,
        on=signed_on,
    )
    return letter


@transaction.atomic
def record_letters(actor, *, year: int, letters) -> list[ResponsibilityLetter]:
    """Many signed letters of one year at once (no scans), each checked as ``record_letter``
    checks one; the first problem refuses them all. ``letters`` are ``(upper_unit,
    lower_unit, signed_on)``. Existing letters are read in one query, the new ones inserted
    at once, each audited, and their obligations fulfilled together
    (``services.fulfil_many``)."""
    letters = list(letters)
    seen = set(
        ResponsibilityLetter.objects.filter(
            year=year, lower_unit_id__in=[lower.pk for _u, lower, _d in letters]
        ).values_list("upper_unit_id", "lower_unit_id")
    )
    rows = []
    for upper_unit, lower_unit, signed_on in letters:
        _check_letter(actor, upper_unit, lower_unit)
        if (upper_unit.pk, lower_unit.pk) in seen:
            raise Refused(_("This letter is already recorded."), field="lower_unit")
        seen.add((upper_unit.pk, lower_unit.pk))
        rows.append(
            ResponsibilityLetter(
                year=year,
                upper_unit=upper_unit,
                lower_unit=lower_unit,
                signed_on=signed_on,
                recorded_by=actor,
            )
        )
    ResponsibilityLetter.objects.bulk_create(rows, batch_size=1000)
    for letter in rows:
        audit.record_create(actor, letter)
    services.fulfil_many(
        actor,
        [
            {
                "kind": ObligationKind.RESPONSIBILITY_LETTER,
                "org_unit": letter.lower_unit,
                "period": str(year),
                "record": letter,
                "on": letter.signed_on,
            }
            for letter in rows
        ],
    )
    return rows


# ---------------------------------------------------------------- campaigns and holidays


@transaction.atomic
def create_campaign(actor, *, code: str, name: str, start, end, phases=()) -> Campaign:
    """``phases``: (code, name, start, end, tasks text) tuples."""
    require_office(actor)
    if end < start:
        raise Refused(_("The campaign ends before it starts."), field="end")
    if Campaign.objects.filter(code=code).exists():
        raise Refused(_("A campaign with this code exists."), field="code")
    campaign = Campaign.objects.create(code=code, name=name, start=start, end=end)
    for phase_code, phase_name, phase_start, phase_end, tasks in phases:
        if phase_start < start or phase_end > end or phase_end < phase_start:
            raise Refused(_("Each phase must lie within the campaign."), field="phases")
        Phase.objects.create(
            campaign=campaign,
            code=phase_code,
            name=phase_name,
            start=phase_start,
            end=phase_end,
            tasks=tasks,
        )
    audit.record_create(actor, campaign)
    return campaign


@transaction.atomic
def save_holidays(actor, *, year: int, text: str, notice: str = "") -> int:
    """Replace a year's official arrangement with the lines given (``YYYY-MM-DD 休|班 名称``)."""
    require_office(actor)
    days, errors = rules.parse_holiday_lines(text, year)
    if errors:
        raise Refused(
            _("These lines are not understood: %(lines)s") % {"lines": "；".join(errors)},
            field="text",
        )
    if not days:
        raise Refused(_("Enter at least one day."), field="text")
    HolidayArrangement.objects.filter(date__year=year).delete()
    HolidayArrangement.objects.bulk_create(
        HolidayArrangement(date=d, is_workday=work, name=name, notice=notice[:100])
        for d, work, name in days
    )
    audit.record(
        actor,
        "update",
        model_label="core.HolidayArrangement",
        object_repr=str(year),
        changes={"days": [None, len(days)], "notice": [None, notice]},
    )
    return len(days)
