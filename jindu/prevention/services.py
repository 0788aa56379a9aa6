"""Prevention actions: one function per business action, atomic, audited in the same
transaction. Bad input is refused in Chinese naming the field, and nothing changes."""

from __future__ import annotations

import datetime
from contextlib import nullcontext
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jindu.accounts import services as accounts
from jindu.accounts.roles import Role
from jindu.audit import services as audit
from jindu.audit.models import AuditAction
from jindu.core.errors import NotAllowed, Refused
from jindu.core.scoping import CHANGE, is_office, may_act_on_unit, require_office, scope_for
from jindu.core.services import attach
from jindu.orgs.models import OrgUnit, UnitLevel
from jindu.supervision import services as obligations
from jindu.supervision.models import Obligation, ObligationKind, ObligationStatus

from . import rules
from .models import (
    Activity,
    Channel,
    Fixture,
    Lesson,
    Liaison,
    QingjiaoFigures,
    School,
    SchoolAccount,
    SchoolClass,
    SchoolRecord,
    Survey,
    SurveyResponse,
)
from .policy import prevention_policy

# The supervision engine's kinds (choices of Obligation.kind), named here for this area.
KEY_DATE_KIND = ObligationKind.PREVENTION_KEY_DATE
CLASS_HOURS_KIND = ObligationKind.CLASS_HOURS
KEY_DATE_SOURCE = "prevention.keydate"


def _refuse(errors: dict[str, list[str]], basis=()) -> None:
    if errors:
        field = next(iter(errors))
        raise Refused(errors[field][0], errors=errors, basis=list(basis))


def _role(actor) -> str | None:
    return None if actor is None else scope_for(actor).role


def township_of(unit: OrgUnit) -> OrgUnit | None:
    return unit if unit.level == UnitLevel.TOWNSHIP else unit.township()


# ---------------------------------------------------------------- activities


@transaction.atomic
def record_activity(
    actor,
    *,
    kind: str,
    date: datetime.date,
    org_unit: OrgUnit,
    headcount,
    setting: str = "",
    group: str = "",
    organiser: OrgUnit | None = None,
    venue=None,
    audience: str = "",
    materials: int = 0,
    pledges: int = 0,
    description: str = "",
    photos=(),
) -> Activity:
    """A township records its own activities; a member unit records those it organised,
    anywhere in the county (it is then the organiser)."""
    photos = list(photos)
    activity = _new_activity(
        actor,
        prevention_policy(),
        kind=kind,
        date=date,
        org_unit=org_unit,
        headcount=headcount,
        setting=setting,
        group=group,
        organiser=organiser,
        venue=venue,
        audience=audience,
        materials=materials,
        pledges=pledges,
        description=description,
        photos=photos,
    )
    activity.save()
    audit.record_create(actor, activity)
    if photos:
        attach(actor, activity, photos, role="photo")
    _fulfil_key_dates(actor, activity)
    return activity


def _new_activity(
    actor,
    policy,
    *,
    kind: str,
    date: datetime.date,
    org_unit: OrgUnit,
    headcount,
    setting: str = "",
    group: str = "",
    organiser: OrgUnit | None = None,
    venue=None,
    audience: str = "",
    materials: int = 0,
    pledges: int = 0,
    description: str = "",
    photos=(),
) -> Activity:
    """The checks of ``record_activity``; the activity they allow, not yet saved."""
    role = _role(actor)
    if role == Role.MEMBER_UNIT:
        organiser = organiser or actor.unit
        if organiser != actor.unit:
            raise Refused(
                _("A member unit records the activities it organised."), field="organiser"
            )
    elif actor is not None and not may_act_on_unit(actor, CHANGE, Activity, org_unit):
        raise NotAllowed()
    if organiser is not None and organiser.level != UnitLevel.DEPARTMENT:
        raise Refused(_("The organiser is a member unit."), field="organiser")
    if org_unit.level not in (
        UnitLevel.COUNTY,
        UnitLevel.TOWNSHIP,
        UnitLevel.VILLAGE,
        UnitLevel.GRID,
    ):
        raise Refused(_("Choose the county, a township or a village/community."), field="org_unit")
    photos = list(photos)
    errors = rules.check_activity(
        policy,
        kind=kind,
        setting=setting or "",
        group=group or "",
        headcount=headcount,
        photo_sizes=tuple(p.size for p in photos),
    )
    if date is None:
        errors["date"] = [_("Enter the date.")]
    elif date > timezone.localdate():
        errors["date"] = [_("The activity cannot be dated in the future.")]
    if venue is not None:
        if not policy.at_venue(setting=setting or "", group=group or ""):
            errors["venue"] = [
                _("Name a venue only for a session at a venue (进场所, venue staff).")
            ]
        elif not venue.is_active:
            errors["venue"] = [_("This venue is no longer in business.")]
        elif not (
            venue.org_unit.path.startswith(org_unit.path)
            or org_unit.path.startswith(venue.org_unit.path)
        ):
            errors["venue"] = [_("The venue is not in the township of the activity.")]
    _refuse(errors, [policy.activity_kinds[kind].article] if kind in policy.activity_kinds else [])
    village = org_unit.parent if org_unit.level == UnitLevel.GRID else org_unit
    return Activity(
        policy_id=policy.id,
        village=village if village is not None and village.level == UnitLevel.VILLAGE else None,
        kind=kind,
        setting=setting or "",
        group=group or "",
        date=date,
        org_unit=org_unit,
        organiser=organiser,
        venue=venue,
        audience=audience.strip(),
        headcount=headcount,
        materials=materials or 0,
        pledges=pledges or 0,
        description=description.strip(),
        recorded_by=actor,
    )


@transaction.atomic
def record_activities(actor, items) -> list[Activity]:
    """Many activities at once (a loader's year of work), each checked as
    ``record_activity`` checks one (without photos); the first problem refuses them all.
    ``items`` are dicts of its keywords. The activities are inserted together, each audited,
    and the key dates' duties they do are fulfilled together (``fulfil_many``), in the
    items' order: the first activity of a window fulfils it, as one by one."""
    policy = prevention_policy()
    activities = [_new_activity(actor, policy, **item) for item in items]
    Activity.objects.bulk_create(activities, batch_size=1000)
    for activity in activities:
        audit.record_create(actor, activity)
    townships: dict[int, OrgUnit | None] = {}
    wanted = []  # (activity, owners, periods)
    for activity in activities:
        periods = [period for _key, period in rules.key_dates_covering(policy, activity.date)]
        if not periods:
            continue
        unit = activity.org_unit
        if unit.pk not in townships:
            townships[unit.pk] = township_of(unit)
        owners = [
            u for u in (townships[unit.pk], activity.organiser, activity.village) if u is not None
        ]
        wanted.append((activity, owners, periods))
    if wanted:
        obligations.fulfil_many(
            actor,
            [
                {
                    "kind": KEY_DATE_KIND,
                    "org_unit": owner,
                    "period": period,
                    "record": activity,
                    "on": activity.date,
                }
                for activity, owners, periods in wanted
                for owner in dict.fromkeys(owners)
                for period in periods
            ],
        )
    return activities


def _fulfil_key_dates(actor, activity: Activity) -> None:
    """An activity inside a key date's window does the duty of its township (and village)
    and of its organising member unit (方案四（三）二是)."""
    periods = [
        period for _key, period in rules.key_dates_covering(prevention_policy(), activity.date)
    ]
    if not periods:
        return
    unit = activity.org_unit
    owners = [u for u in (township_of(unit), activity.organiser, activity.village) if u is not None]
    pending = Obligation.objects.filter(
        kind=KEY_DATE_KIND,
        org_unit__in=owners,
        period__in=periods,
        status__in=[ObligationStatus.OPEN, ObligationStatus.OVERDUE],
    ).values_list("org_unit_id", "period")
    by_id = {u.pk: u for u in owners}
    for owner_id, period in set(pending):
        obligations.fulfil(
            actor,
            kind=KEY_DATE_KIND,
            org_unit=by_id[owner_id],
            period=period,
            record=activity,
            on=activity.date,
        )


def key_date_owners(policy) -> list[int]:
    units = OrgUnit.objects.filter(is_active=True)
    ids = []
    if UnitLevel.TOWNSHIP in policy.key_dates.who:
        ids += list(units.filter(level=UnitLevel.TOWNSHIP).values_list("pk", flat=True))
    if UnitLevel.VILLAGE in policy.key_dates.who:
        ids += list(units.filter(level=UnitLevel.VILLAGE).values_list("pk", flat=True))
    ids += list(
        units.filter(
            level=UnitLevel.DEPARTMENT, name__in=policy.key_dates.member_units
        ).values_list("pk", flat=True)
    )
    return ids


def generate_key_date_obligations(actor, year: int) -> int:
    """Each key date of ``year`` is owed by every unit the rule book names; due on the
    window's last day. Idempotent (the obligations' unique key)."""
    policy = prevention_policy()
    owners = key_date_owners(policy)
    rows = [
        Obligation(
            kind=KEY_DATE_KIND,
            org_unit_id=unit_id,
            period=rules.key_date_period(key, year),
            due_date=end,
            basis=[policy.key_dates.article],
            policy_id=policy.id,
            source_model=KEY_DATE_SOURCE,
            source_id=key.code,
            note=_("Activity for %(day)s") % {"day": key.name},
        )
        for key, _start, end in rules.key_date_windows(policy, year)
        for unit_id in owners
    ]
    with transaction.atomic():
        before = Obligation.objects.filter(kind=KEY_DATE_KIND).count()
        Obligation.objects.bulk_create(rows, ignore_conflicts=True, batch_size=5000)
        created = Obligation.objects.filter(kind=KEY_DATE_KIND).count() - before
        if created:
            audit.record(
                actor,
                "create",
                model_label="supervision.Obligation",
                object_repr=f"key-date obligations {year}",
                changes={"created": [None, created], "year": [None, year]},
            )
        # Activities recorded before the obligations existed still count.
        for activity in Activity.objects.filter(
            date__gte=datetime.date(year - 1, 12, 1), date__lte=datetime.date(year, 12, 31)
        ).select_related("org_unit", "organiser"):
            if rules.key_dates_covering(policy, activity.date):
                _fulfil_key_dates(actor, activity)
    return created


# ---------------------------------------------------------------- fixtures, liaisons, population


@transaction.atomic
def record_fixture(
    actor, *, kind: str, org_unit: OrgUnit, location: str, photographed_on, photos=()
) -> Fixture:
    policy = prevention_policy()
    if actor is not None and not may_act_on_unit(actor, CHANGE, Fixture, org_unit):
        raise NotAllowed()
    errors: dict[str, list[str]] = {}
    if kind not in policy.fixture_kinds:
        errors["kind"] = [_("Choose the kind of fixture.")]
    if org_unit.level != UnitLevel.VILLAGE and kind == "window":
        errors["org_unit"] = [_("A publicity window belongs to a village or community.")]
    if not (location or "").strip():
        errors["location"] = [_("Say where it is.")]
    if photographed_on is None or photographed_on > timezone.localdate():
        errors["photographed_on"] = [_("Enter the date of the photo (not in the future).")]
    photos = list(photos)
    if not photos and actor is not None:
        errors["photos"] = [_("Attach a photo of the fixture.")]
    elif any(p.size > policy.max_photo_bytes for p in photos):
        errors["photos"] = [
            _("A photo is larger than %(mb)g MB.") % {"mb": policy.max_photo_bytes / 1_000_000}
        ]
    _refuse(errors, [policy.fixture_kinds[kind].article] if kind in policy.fixture_kinds else [])
    fixture = Fixture.objects.create(
        policy_id=policy.id,
        kind=kind,
        org_unit=org_unit,
        location=location.strip(),
        photographed_on=photographed_on,
        recorded_by=actor,
    )
    audit.record_create(actor, fixture)
    if photos:
        attach(actor, fixture, photos, role="photo")
    return fixture


@transaction.atomic
def appoint_liaison(actor, *, org_unit: OrgUnit, name: str, title: str = "", start_date) -> Liaison:
    if actor is not None and not may_act_on_unit(actor, CHANGE, Liaison, org_unit):
        raise NotAllowed()
    if org_unit.level != UnitLevel.VILLAGE:
        raise Refused(_("A liaison is named for a village or community."), field="org_unit")
    if not (name or "").strip():
        raise Refused(_("Enter the liaison's name."), field="name")
    for previous in Liaison.objects.select_for_update().filter(
        org_unit=org_unit, end_date__isnull=True
    ):
        before = audit.snapshot(previous)
        previous.end_date = start_date
        previous.save(update_fields=["end_date"])
        audit.record_update(actor, previous, before)
    liaison = Liaison.objects.create(
        org_unit=org_unit, name=name.strip(), title=title.strip(), start_date=start_date
    )
    audit.record_create(actor, liaison)
    return liaison


def set_population(actor, *, org_unit: OrgUnit, year: int, kind: str, count, source: str):
    """The office enters a unit's population with its year and source (户籍 or 常住): one
    store for every area (``enforcement.Population``), written by the enforcement service."""
    from jindu.enforcement import services as enforcement

    return enforcement.set_population(
        actor, org_unit=org_unit, year=year, kind=kind, residents=count, source=source
    )


# ---------------------------------------------------------------- schools and class hours


def supervisor_unit() -> OrgUnit | None:
    name = prevention_policy().class_hours.supervisor
    return OrgUnit.objects.filter(level=UnitLevel.DEPARTMENT, name=name, is_active=True).first()


def _may_run_school(
    actor,
    school: School | None = None,
    supervisor: OrgUnit | None = None,
    *,
    own_school: bool = False,
) -> None:
    """The office, or staff of the school's supervising unit (the 教育局); with
    ``own_school`` (classes and lessons) also the school's own account (学校账号)."""
    if actor is None or is_office(actor):
        return
    if own_school and school is not None and _role(actor) == Role.SCHOOL:
        if scope_for(actor).binding != school.pk:
            raise NotAllowed()
        return
    unit = school.supervisor if school is not None else supervisor
    if _role(actor) != Role.MEMBER_UNIT or actor.unit_id != getattr(unit, "pk", None):
        raise NotAllowed()


@transaction.atomic
def register_school(actor, *, name: str, org_unit: OrgUnit, stage: str, supervisor=None) -> School:
    policy = prevention_policy()
    supervisor = supervisor or supervisor_unit()
    if supervisor is None:
        raise Refused(
            _("The rule book's supervising unit %(name)s is not in the organisation.")
            % {"name": policy.class_hours.supervisor},
            field="supervisor",
        )
    _may_run_school(actor, supervisor=supervisor)
    errors = {}
    if not (name or "").strip():
        errors["name"] = [_("Enter the school's name.")]
    if stage not in policy.class_hours.stages:
        errors["stage"] = [_("Choose the stage (primary, junior, senior or vocational).")]
    if org_unit.level not in (UnitLevel.TOWNSHIP, UnitLevel.VILLAGE):
        errors["org_unit"] = [_("Choose the township or village the school is in.")]
    if not errors and School.objects.filter(org_unit=org_unit, name=name.strip()).exists():
        errors["name"] = [_("This school is already registered.")]
    _refuse(errors)
    school = School.objects.create(
        name=name.strip(), org_unit=org_unit, stage=stage, supervisor=supervisor
    )
    audit.record_create(actor, school)
    return school


@transaction.atomic
def create_school_account(
    actor,
    *,
    school: School,
    username: str,
    password: str,
    full_name: str = "",
    phone: str = "",
    api_access: bool = False,
) -> SchoolAccount:
    """A school's own login (学校账号, issue 14): a user of the school role in the school's
    township, bound to the school. The office or the school's supervising unit (the 教育局)
    creates it; the account and its binding are audited in one transaction."""
    _may_run_school(actor, school)
    township = township_of(school.org_unit)
    if township is None:
        raise Refused(_("The school is not in a township."), field="school")
    user = accounts.create_bound_user(
        actor,
        username=username,
        password=password,
        role=Role.SCHOOL,
        unit=township,
        full_name=full_name,
        phone=phone,
        api_access=api_access,
    )
    account = SchoolAccount.objects.create(user=user, school=school)
    audit.record_create(actor, account)
    return account


def class_hours_note(school_class: SchoolClass, required: int) -> str:
    return _("%(school)s %(cls)s: %(hours)d drug-prevention class hours") % {
        "school": school_class.school.name,
        "cls": school_class.name,
        "hours": required,
    }


@transaction.atomic
def add_class(
    actor, *, school: School, school_year: str, grade, name: str, students=0
) -> SchoolClass:
    """A class of a school year; where the class-hour rule applies it becomes an obligation
    of the supervising unit, due on the school year's last day (方案四（三）三是)."""
    policy = prevention_policy()
    _may_run_school(actor, school, own_school=True)
    errors = rules.check_school_class(policy, school_year=school_year, grade=grade)
    if not (name or "").strip():
        errors["name"] = [_("Enter the class's name.")]
    if (
        not errors
        and SchoolClass.objects.filter(
            school=school, school_year=school_year, name=name.strip()
        ).exists()
    ):
        errors["name"] = [_("This class is already registered for the school year.")]
    _refuse(errors, [policy.class_hours.article])
    school_class = SchoolClass.objects.create(
        school=school,
        school_year=school_year,
        grade=grade,
        name=name.strip(),
        students=students or 0,
    )
    audit.record_create(actor, school_class)
    required = rules.required_hours(policy, grade)
    if required:
        _start, end = rules.school_year_bounds(policy, school_year)
        Obligation.objects.get_or_create(
            kind=CLASS_HOURS_KIND,
            org_unit=school.supervisor,
            period=school_year,
            source_model="prevention.SchoolClass",
            source_id=str(school_class.pk),
            defaults={
                "subject_unit": school.org_unit,
                "due_date": end,
                "basis": [policy.class_hours.article],
                "policy_id": policy.id,
                "note": class_hours_note(school_class, required)[:300],
            },
        )
    return school_class


@transaction.atomic
def add_classes(actor, *, school: School, classes) -> list[SchoolClass]:
    """Many classes of a school at once (a loader's school years), each checked as
    ``add_class`` checks one; the first problem refuses them all. ``classes`` are dicts of
    ``school_year``, ``grade``, ``name`` and ``students``. The classes are inserted together,
    each audited, and the class-hour obligations of those the rule covers with them."""
    policy = prevention_policy()
    _may_run_school(actor, school)
    classes = list(classes)
    taken = set(
        SchoolClass.objects.filter(
            school=school, school_year__in={c["school_year"] for c in classes}
        ).values_list("school_year", "name")
    )
    rows = []
    for item in classes:
        school_year, grade, name = item["school_year"], item["grade"], (item["name"] or "").strip()
        errors = rules.check_school_class(policy, school_year=school_year, grade=grade)
        if not name:
            errors["name"] = [_("Enter the class's name.")]
        if not errors and (school_year, name) in taken:
            errors["name"] = [_("This class is already registered for the school year.")]
        _refuse(errors, [policy.class_hours.article])
        taken.add((school_year, name))
        rows.append(
            SchoolClass(
                school=school,
                school_year=school_year,
                grade=grade,
                name=name,
                students=item.get("students") or 0,
            )
        )
    SchoolClass.objects.bulk_create(rows, batch_size=1000)
    duties = []
    for school_class in rows:
        audit.record_create(actor, school_class)
        required = rules.required_hours(policy, school_class.grade)
        if required:
            _start, end = rules.school_year_bounds(policy, school_class.school_year)
            duties.append(
                Obligation(
                    kind=CLASS_HOURS_KIND,
                    org_unit=school.supervisor,
                    period=school_class.school_year,
                    source_model="prevention.SchoolClass",
                    source_id=str(school_class.pk),
                    subject_unit=school.org_unit,
                    due_date=end,
                    basis=[policy.class_hours.article],
                    policy_id=policy.id,
                    note=class_hours_note(school_class, required)[:300],
                )
            )
    # New classes: no obligation can name them yet (add_class's get_or_create finds none).
    Obligation.objects.bulk_create(duties, batch_size=1000)
    return rows


def _hours(value) -> Decimal | None:
    try:
        return Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, TypeError, ValueError):
        return None


@transaction.atomic
def record_lesson(
    actor, *, school_class: SchoolClass, date, hours, topic: str, teacher_name: str
) -> Lesson:
    policy = prevention_policy()
    _may_run_school(actor, school_class.school, own_school=True)
    value = _hours(hours)
    errors = rules.check_lesson(policy, school_year=school_class.school_year, day=date, hours=value)
    if not (topic or "").strip():
        errors["topic"] = [_("Enter the topic.")]
    if not (teacher_name or "").strip():
        errors["teacher_name"] = [_("Enter the teacher's name.")]
    _refuse(errors, [policy.class_hours.article])
    lesson = Lesson.objects.create(
        school_class=school_class,
        date=date,
        hours=value,
        topic=topic.strip(),
        teacher_name=teacher_name.strip(),
        policy_id=policy.id,
        recorded_by=actor,
    )
    audit.record_create(actor, lesson)
    recorded = school_class.lessons.aggregate(total=Sum("hours"))["total"] or 0
    if rules.class_hours(policy, school_class.grade, float(recorded)).met:
        obligations.fulfil(
            actor,
            kind=CLASS_HOURS_KIND,
            org_unit=school_class.school.supervisor,
            period=school_class.school_year,
            record=lesson,
            source=school_class,
            on=date,
        )
    return lesson


@transaction.atomic
def record_lessons(actor, lessons) -> list[Lesson]:
    """Many lessons at once (a loader's school years), each checked as ``record_lesson``
    checks one; the first problem refuses them all. ``lessons`` are dicts of its keywords.
    The lessons are inserted together, each audited; a class's hours are summed once (what
    it had, then each new lesson in order) and the lesson that brings them to the rule's
    hours fulfils the class's obligation, as one by one."""
    policy = prevention_policy()
    lessons = list(lessons)
    rows = []
    for item in lessons:
        school_class = item["school_class"]
        _may_run_school(actor, school_class.school)
        value = _hours(item["hours"])
        date, topic = item["date"], item["topic"]
        teacher_name = item["teacher_name"]
        errors = rules.check_lesson(
            policy, school_year=school_class.school_year, day=date, hours=value
        )
        if not (topic or "").strip():
            errors["topic"] = [_("Enter the topic.")]
        if not (teacher_name or "").strip():
            errors["teacher_name"] = [_("Enter the teacher's name.")]
        _refuse(errors, [policy.class_hours.article])
        rows.append(
            Lesson(
                school_class=school_class,
                date=date,
                hours=value,
                topic=topic.strip(),
                teacher_name=teacher_name.strip(),
                policy_id=policy.id,
                recorded_by=actor,
            )
        )
    classes = {lesson.school_class.pk: lesson.school_class for lesson in rows}
    totals = dict(
        Lesson.objects.filter(school_class_id__in=list(classes))
        .values("school_class_id")
        .annotate(total=Sum("hours"))
        .values_list("school_class_id", "total")
    )
    Lesson.objects.bulk_create(rows, batch_size=1000)
    fulfilling = []
    for lesson in rows:
        audit.record_create(actor, lesson)
        school_class = lesson.school_class
        totals[school_class.pk] = (totals.get(school_class.pk) or 0) + lesson.hours
        if rules.class_hours(policy, school_class.grade, float(totals[school_class.pk])).met:
            fulfilling.append(
                {
                    "kind": CLASS_HOURS_KIND,
                    "org_unit": school_class.school.supervisor,
                    "period": school_class.school_year,
                    "record": lesson,
                    "source": school_class,
                    "on": lesson.date,
                }
            )
    # Once fulfilled, a class's obligation is not open: later items find nothing, as before.
    fulfilled: set[int] = set()
    for item in fulfilling:
        if item["source"].pk not in fulfilled:
            if obligations.fulfil(actor, **item) is not None:
                fulfilled.add(item["source"].pk)
    return rows


@transaction.atomic
def record_school_activity(
    actor, *, school: School, kind: str, date, title: str, status: str = "", participants=0
) -> SchoolRecord:
    policy = prevention_policy()
    spec = policy.school_record_kinds.get(kind)
    # The school's own account records the kinds the rule book gives it (五个一, training …).
    _may_run_school(actor, school, own_school=True)
    errors = {}
    if spec is None:
        errors["kind"] = [_("Choose the kind of record.")]
    elif not spec.by_school and actor is not None and _role(actor) == Role.SCHOOL:
        errors["kind"] = [
            _(
                "%(kind)s is recorded by the supervising unit %(unit)s, "
                "not the school (%(article)s)."
            )
            % {"kind": spec.name, "unit": policy.class_hours.supervisor, "article": spec.article}
        ]
    elif spec.statuses and status not in spec.statuses:
        errors["status"] = [_("Choose the status.")]
    if not (title or "").strip():
        errors["title"] = [_("Enter the title.")]
    if date is None:
        errors["date"] = [_("Enter the date.")]
    _refuse(errors)
    record = SchoolRecord.objects.create(
        school=school,
        kind=kind,
        date=date,
        title=title.strip(),
        status=status or "",
        participants=participants or 0,
        policy_id=policy.id,
    )
    audit.record_create(actor, record)
    return record


QINGJIAO_COLUMNS = (
    "学校名称",
    "学年",
    "学生数",
    "注册人数",
    "参与人数",
    "竞赛合格人数",
    "竞赛满分人数",
    "竞赛平均分",
)


def import_qingjiao(actor, upload, school_year: str, progress=None) -> int:
    """The platform's exported workbook: one row per school (columns QINGJIAO_COLUMNS). A file
    with any bad row imports nothing and names each row. The file is streamed under the
    budgets of ``core.xlsx`` (issue 16, item 8); ``progress`` reports to a background job.
    A refused file leaves an audit event (issue 16, item 4) after the rollback."""
    try:
        return _import_qingjiao(actor, upload, school_year, progress)
    except Refused as refusal:
        audit.record(
            actor,
            AuditAction.REFUSED,
            model_label="prevention.QingjiaoFigures",
            object_repr="青骄第二课堂 import refused",
            changes={"school_year": school_year[:20], "field": refusal.field or ""},
        )
        raise


@transaction.atomic
def _import_qingjiao(actor, upload, school_year: str, progress=None) -> int:
    from jindu.core import xlsx

    policy = prevention_policy()
    try:
        rules.school_year_bounds(policy, school_year)
    except ValueError:
        raise Refused(_("Write the school year as 2019-2020."), field="school_year") from None
    schools = {s.name: s for s in School.objects.all()}
    try:
        problems, parsed = _check_qingjiao(
            actor, _qingjiao_rows(upload, progress), schools, progress
        )
    except xlsx.SheetProblem as problem:
        raise Refused(problem.message, field="file") from None
    if problems:
        raise Refused("；".join(str(p) for p in problems), field="file")
    for school, (students, registered, participating, passed, full), average in parsed:
        figures, created = QingjiaoFigures.objects.update_or_create(
            school=school,
            school_year=school_year,
            defaults={
                "students": students,
                "registered": registered,
                "participating": participating,
                "contest_passed": passed,
                "contest_full_score": full,
                "contest_average": average,
                "source_file": getattr(upload, "name", "")[:200],
            },
        )
        audit.record(actor, "create" if created else "update", figures, object_repr=str(school))
    return len(parsed)


def _check_qingjiao(actor, rows, schools, progress=None) -> tuple[list, list]:
    """Every problem of the rows, and the rows parsed (school, counts, average)."""
    from jindu.orgs.importer import cell_text

    problems, parsed = [], []
    for number, row in rows:
        if progress is not None and number % 1000 == 0:
            progress(number - 1)
        cells = [cell_text(c) for c in (*row, *[None] * len(QINGJIAO_COLUMNS))]
        cells = cells[: len(QINGJIAO_COLUMNS)]
        if not any(cells):
            continue
        school = schools.get(cells[0])
        if school is None:
            problems.append(
                _("Row %(n)d: no school named %(name)s.") % {"n": number, "name": cells[0]}
            )
            continue
        try:
            numbers = [int(float(c or 0)) for c in cells[2:7]]
            average = Decimal(cells[7]) if cells[7] else None
        except (ValueError, InvalidOperation):
            problems.append(_("Row %(n)d: the counts must be numbers.") % {"n": number})
            continue
        if min(numbers) < 0 or numbers[1] > numbers[0] or numbers[2] > numbers[0]:
            problems.append(
                _("Row %(n)d: registered and participating cannot exceed the students.")
                % {"n": number}
            )
            continue
        try:
            _may_run_school(actor, school)
        except NotAllowed:
            problems.append(
                _("Row %(n)d: %(name)s is not yours to update.")
                % {"n": number, "name": school.name}
            )
            continue
        parsed.append((school, numbers, average))
    if progress is not None:
        progress(len(parsed) + len(problems))
    return problems, parsed


def _qingjiao_rows(upload, progress=None):
    """The data rows of a 青骄 workbook as (row number, values), after its headings."""
    from jindu.core import xlsx
    from jindu.orgs.importer import cell_text

    stream = xlsx.rows(upload, progress)
    _header_row, first = next(stream, (1, ()))
    if [cell_text(c) for c in first[: len(QINGJIAO_COLUMNS)]] != list(QINGJIAO_COLUMNS):
        stream.close()
        raise Refused(
            _("The first row must be the headings: %(cols)s")
            % {"cols": "、".join(QINGJIAO_COLUMNS)},
            field="file",
        )
    return stream


# ---------------------------------------------------------------- the survey


@transaction.atomic
def create_survey(
    actor, *, title: str, period_start, period_end, org_unit: OrgUnit | None = None
) -> Survey:
    """The office defines a survey from the rule book's questions (第五条)."""
    require_office(actor)
    policy = prevention_policy()
    errors = {}
    if not (title or "").strip():
        errors["title"] = [_("Enter the survey's title.")]
    if period_start is None or period_end is None or period_end < period_start:
        errors["period_end"] = [_("The period ends before it starts.")]
    _refuse(errors)
    county = org_unit or OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()
    survey = Survey.objects.create(
        title=title.strip(),
        org_unit=county,
        period_start=period_start,
        period_end=period_end,
        questions=[
            {
                "code": q.code,
                "text": q.text,
                "kind": q.kind,
                "scale": list(q.scale),
                "satisfied_from": q.satisfied_from,
                "aware_values": list(q.aware_values),
            }
            for q in policy.survey.questions
        ],
        min_sample=policy.survey.min_sample_per_township,
        policy_id=policy.id,
        created_by=actor,
    )
    audit.record_create(actor, survey)
    return survey


def survey_policy(survey: Survey):
    """The survey's own questions as rule-book objects (what was asked, not today's book)."""
    from dataclasses import replace

    from .policy import Question

    policy = prevention_policy()
    questions = tuple(
        Question(
            q["code"],
            q["text"],
            q["kind"],
            tuple(q["scale"]),
            q["satisfied_from"],
            tuple(q["aware_values"]),
        )
        for q in survey.questions
    )
    return replace(policy, survey=replace(policy.survey, questions=questions))


def submit_response(
    actor,
    *,
    survey: Survey,
    org_unit: OrgUnit,
    answers: dict,
    channel: str = Channel.ONLINE,
    on=None,
) -> SurveyResponse:
    """An answer sheet. Online answers are anonymous: no actor, no audit row (it would hold
    the address); staff entering paper or telephone answers are audited."""
    on = on or timezone.localdate()
    policy = survey_policy(survey)
    if channel not in Channel.values:
        raise Refused(_("Choose how the answers were collected."), field="channel")
    if channel == Channel.ONLINE and actor is not None:
        raise Refused(_("Staff enter paper or telephone answers."), field="channel")
    if channel != Channel.ONLINE:
        if actor is None:
            raise NotAllowed()
        if not may_act_on_unit(actor, CHANGE, SurveyResponse, org_unit):
            raise NotAllowed()
    if org_unit.level != UnitLevel.TOWNSHIP:
        raise Refused(_("Answers are collected per township."), field="org_unit")
    if not survey.period_start <= on <= survey.period_end:
        raise Refused(_("The survey is not open on this day."), field="survey")
    clean, errors = rules.check_answers(policy, answers)
    _refuse(errors, [policy.survey.article])
    scored = rules.score_answers(policy, clean)
    # An online answer is one INSERT (atomic by itself, no audit row): no transaction of its
    # own on the public page's hot path; staff entries commit with their audit row.
    with transaction.atomic() if channel != Channel.ONLINE else nullcontext():
        response = SurveyResponse.objects.create(
            survey=survey,
            org_unit=org_unit,
            answered_on=on,
            channel=channel,
            answers=clean,
            satisfaction_answers=scored.satisfaction_answers,
            satisfied=scored.satisfied,
            awareness_answers=scored.awareness_answers,
            aware=scored.aware,
            entered_by=actor if channel != Channel.ONLINE else None,
        )
        if channel != Channel.ONLINE:
            audit.record_create(actor, response)
    return response
