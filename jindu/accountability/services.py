"""Actions on responsibilities and accountability. Proposals come from the rules; people
confirm or reject them. Every write is audited."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jindu.audit import services as audit
from jindu.core.errors import NotAllowed, Refused
from jindu.core.scoping import (
    CHANGE,
    VIEW,
    available_actions,
    is_office,
    may_act_on_unit,
    require_action,
    require_office,
    scope_for,
)
from jindu.documents import services as issued
from jindu.documents.models import DocumentKind
from jindu.orgs.models import OrgUnit, Position, UnitLevel
from jindu.policy.registry import current_policy, get_policy
from jindu.rectification import services as rectification
from jindu.rectification.models import Decision, DecisionKind, Designation, DesignationStatus
from jindu.supervision import services as obligations
from jindu.supervision.models import ObligationKind

from . import documents, rules
from .models import (
    AccountabilityAction,
    ActionKind,
    ActionStatus,
    ActionTrigger,
    AnnualAssessment,
    AnnualAssessmentResult,
    AssistanceAssignment,
    CityListing,
    DutyRecord,
    FollowUpItem,
    Inspection,
    SupportVisit,
)


def tenures_of(unit: OrgUnit) -> list[rules.Tenure]:
    return [
        rules.Tenure(p.pk, p.role, p.holder_name, p.start_date, p.end_date)
        for p in Position.objects.filter(org_unit=unit)
    ]


def _store(
    actor,
    proposal: rules.Proposal,
    *,
    unit: OrgUnit,
    policy_id: str,
    designation: Designation | None = None,
    annual_assessment=None,
    city_listing=None,
    key: str,
) -> AccountabilityAction | None:
    """Record a proposal once; a second call for the same occasion does nothing."""
    who = f"position:{proposal.position_id}" if proposal.position_id else "unit"
    trigger_key = f"{key}:{who}"
    if AccountabilityAction.objects.filter(kind=proposal.kind, trigger_key=trigger_key).exists():
        return None
    try:
        with transaction.atomic():
            action = AccountabilityAction.objects.create(
                kind=proposal.kind,
                trigger=proposal.trigger,
                trigger_key=trigger_key,
                org_unit=unit,
                position_id=proposal.position_id,
                designation=designation,
                annual_assessment=annual_assessment,
                city_listing=city_listing,
                policy_id=policy_id,
                basis=list(proposal.basis),
                reason=proposal.reason[:300],
                effective_from=proposal.effective_from,
                effective_to=proposal.effective_to,
            )
    except IntegrityError:
        return None
    audit.record_create(actor, action)
    _notify_deciders(action)
    return action


def _notify_deciders(action: AccountabilityAction) -> int:
    """A proposal waits for a person's decision: the leaders (and the office) hear of it."""
    from django.urls import reverse

    from jindu.supervision import notifications

    return notifications.notify(
        notifications.leaders(),
        kind="decision_waiting",
        key=f"accountability-action:{action.pk}",
        text=_("Proposal waiting for a decision: %(kind)s for %(unit)s.")
        % {"kind": action.get_kind_display(), "unit": action.org_unit.name},
        url=reverse("accountability:action_detail", args=[action.pk]),
    )


@transaction.atomic
def propose_for_listing(actor, designation: Designation) -> list[AccountabilityAction]:
    """Art. 29–30: the proposals a listing brings, for the unit and its responsible persons."""
    policy = get_policy(designation.policy_id)
    proposals = rules.listing_proposals(
        policy,
        level=designation.level,
        listed_on=designation.listed_date,
        tenures=tenures_of(designation.org_unit),
        unit_level=designation.org_unit.level,
    )
    created = []
    for proposal in proposals:
        action = _store(
            actor,
            proposal,
            unit=designation.org_unit,
            policy_id=policy.id,
            designation=designation,
            key=f"designation:{designation.pk}:listed",
        )
        if action:
            created.append(action)
    return created


@transaction.atomic
def check_deadlines(actor, today: datetime.date) -> list[AccountabilityAction]:
    """Art. 31: for every active listing whose period has ended without lifting or lowering,
    propose what the article prescribes. Run daily; idempotent per listing and due date."""
    created = []
    for designation in Designation.objects.filter(
        status=DesignationStatus.ACTIVE, due_date__lt=today
    ).select_related("org_unit"):
        policy = get_policy(designation.policy_id)
        trigger = rules.missed_deadline(
            policy,
            level=designation.level,
            extensions_used=designation.extensions_used,
            due_date=designation.due_date,
            today=today,
        )
        if trigger is None:
            continue
        proposals = rules.deadline_proposals(
            policy,
            trigger=trigger,
            level=designation.level,
            listed_on=designation.listed_date,
            due_date=designation.due_date,
            tenures=tenures_of(designation.org_unit),
            unit_level=designation.org_unit.level,
        )
        for proposal in proposals:
            # A measure proposed once per listing and person (art. 31: 降级、撤职) keeps one key
            # for the listing, so a continuation's new due date does not propose it again.
            occasion = "once" if proposal.once_per_listing else f"{trigger}:{designation.due_date}"
            action = _store(
                actor,
                proposal,
                unit=designation.org_unit,
                policy_id=policy.id,
                designation=designation,
                key=f"designation:{designation.pk}:{occasion}",
            )
            if action:
                created.append(action)
    return created


def measure_actions(
    user, action: AccountabilityAction, *, known_visible: bool = False
) -> tuple[str, ...]:
    """What ``user`` may do with the measure now (the page's buttons, the API's ``actions``):
    its named actions the role, the jurisdiction and the state allow. ``known_visible``: the
    caller read it through the scoping layer (the API's list), so no query is needed."""
    return available_actions(user, action, known_visible=known_visible)


@transaction.atomic
def decide_action(
    actor,
    action: AccountabilityAction,
    *,
    confirm: bool,
    reason: str,
    decision_no: str = "",
    decided_on: datetime.date | None = None,
) -> AccountabilityAction:
    """An office user confirms (with a document number) or rejects a proposal, with a reason."""
    require_action(actor, "decide", action)
    action = AccountabilityAction.objects.select_for_update().get(pk=action.pk)
    if action.status != ActionStatus.PROPOSED:
        raise Refused(_("This measure has already been decided."))
    if not reason.strip():
        raise Refused(_("Give the reason for the decision."), field="reason")
    if confirm and not decision_no.strip():
        raise Refused(
            _("A confirmed measure needs the document number of its decision."), field="decision_no"
        )
    before = audit.snapshot(action)
    action.status = ActionStatus.CONFIRMED if confirm else ActionStatus.REJECTED
    action.decision_reason = reason.strip()
    action.decision_no = decision_no.strip()
    action.decided_on = decided_on or timezone.localdate()
    action.decided_by = actor
    if confirm and action.kind == ActionKind.PERIOD_EXTENSION:
        action.listing_decision = _extension_decision(actor, action)
    action.save()
    audit.record_update(actor, action, before)
    if confirm and action.kind == ActionKind.INTERVIEW:
        issue_interview_notice(actor, action)
    return action


def _extension_decision(actor, action: AccountabilityAction) -> Decision:
    """Art. 31 (应当延长): confirming the measure is the committee's extension of the listing,
    recorded as every listing change is, by a decision (which the Measures may refuse: then
    nothing is confirmed). An extension already decided since the missed date is linked."""
    designation = action.designation
    if designation is None:
        raise Refused(_("This measure concerns no listing."))
    existing = (
        Decision.objects.filter(
            designation=designation, kind=DecisionKind.EXTEND, date__gte=action.effective_from
        )
        .order_by("date", "id")
        .first()
        if action.effective_from
        else None
    )
    if existing is not None:
        return existing
    return rectification.record_decision(
        actor,
        kind=DecisionKind.EXTEND,
        date=action.decided_on,
        decision_no=action.decision_no,
        designation=designation,
        notes=action.decision_reason,
    )


def issue_interview_notice(actor, action: AccountabilityAction):
    """约谈通知书, generated once at confirmation and kept as issued."""
    policy = action.policy
    return issued.issue(
        actor,
        kind=DocumentKind.INTERVIEW_NOTICE,
        number=action.decision_no,
        date=action.decided_on,
        issuer=policy.issuer,
        title=f"约谈通知书（{action}）",
        content=documents.interview_notice(action),
        org_unit=action.org_unit,
        source=action,
        policy_id=policy.id,
    )


# ---------------------------------------------------------------- eligibility


def _ended_on(action) -> datetime.date | None:
    """For a measure the rule book ends when the listing leaves its level (art. 30（二）):
    the date of the lowering or lifting decision, read from the listing's decisions."""
    if action.designation_id is None:
        return None
    consequence = next(
        (
            c
            for c in get_policy(action.policy_id).consequences
            if c.kind == action.kind and c.when == action.trigger
        ),
        None,
    )
    if consequence is None or consequence.ends_on != "level_left":
        return None
    decisions = [
        (d.date, d.state_after.get("level", ""), d.state_after.get("status", ""))
        for d in action.designation.decisions.order_by("date", "id")
    ]
    return rules.level_left_on(consequence.levels, action.effective_from, decisions)


def _restrictions(actions, on: datetime.date) -> list[rules.Restriction]:
    result = []
    for action in actions:
        still_listed = (
            action.designation is None
            or action.designation.status == DesignationStatus.ACTIVE
            or (action.designation.lifted_date or on) >= on
        )
        who = action.position.holder_name if action.position_id else action.org_unit.name
        result.append(
            rules.Restriction(
                kind=action.kind,
                status=action.status,
                basis=tuple(action.basis),
                text=f"{who}：{action.get_kind_display()}（{action.org_unit.name}）",
                effective_from=action.effective_from,
                effective_to=action.effective_to,
                still_listed=still_listed,
                ended_on=_ended_on(action),
            )
        )
    return result


def eligibility_of_unit(unit: OrgUnit, on: datetime.date) -> rules.Eligibility:
    actions = AccountabilityAction.objects.filter(
        org_unit=unit,
        position__isnull=True,
        kind__in=[ActionKind.AWARD_INELIGIBILITY],
    ).select_related("designation", "org_unit", "position")
    return rules.eligibility(on, _restrictions(actions, on))


def eligibility_of_position(position: Position, on: datetime.date) -> rules.Eligibility:
    """For the person holding ``position``: restrictions on them through any post they held,
    in any unit (art. 30（二）: the restriction follows the holder, not the post)."""
    me = (position.holder_name, position.holder_email)
    same_person = [
        p.pk
        for p in Position.objects.filter(holder_name=position.holder_name.strip())
        if rules.same_holder(me, (p.holder_name, p.holder_email))
    ]
    actions = AccountabilityAction.objects.filter(
        position__in=same_person,
        kind__in=[ActionKind.PROMOTION_RESTRICTION, ActionKind.DEMOTION_OR_DISMISSAL],
    ).select_related("designation", "org_unit", "position")
    return rules.eligibility(on, _restrictions(actions, on))


# ---------------------------------------------------------------- annual assessment (art. 32)


@transaction.atomic
def record_annual_assessment(
    actor, *, org_unit: OrgUnit, year: int, result: str, score=None, notes: str = ""
) -> AnnualAssessment:
    require_office(actor)
    if org_unit.level not in (UnitLevel.TOWNSHIP, UnitLevel.DEPARTMENT):
        raise Refused(_("Annual assessments are for townships and member units."), field="org_unit")
    if result not in AnnualAssessmentResult.values:
        raise Refused(_("Unknown result."), field="result")
    if AnnualAssessment.objects.filter(org_unit=org_unit, year=year).exists():
        raise Refused(
            _("%(unit)s already has an assessment for %(year)s.")
            % {"unit": org_unit, "year": year},
            field="year",
        )
    assessment = AnnualAssessment.objects.create(
        org_unit=org_unit, year=year, result=result, score=score, notes=notes, recorded_by=actor
    )
    audit.record_create(actor, assessment)
    if result == AnnualAssessmentResult.FAIL:
        policy = current_policy()
        article = policy.responsibilities.annual_assessment_article
        _store(
            actor,
            rules.Proposal(
                ActionKind.ASSESSMENT_FAILURE,
                "",
                ActionTrigger.ASSESSMENT_FAILED,
                (article,) if article else (),
                _("Failed the %(year)s annual assessment.") % {"year": year},
                effective_from=datetime.date(year, 12, 31),
            ),
            unit=org_unit,
            policy_id=policy.id,
            annual_assessment=assessment,
            key=f"annual_assessment:{assessment.pk}",
        )
    return assessment


# ---------------------------------------------------------------- assistance (art. 21)


@transaction.atomic
def assign_assistance(
    actor,
    *,
    designation: Designation,
    member_unit: OrgUnit,
    role: str,
    start_date: datetime.date,
    end_date=None,
    notes: str = "",
) -> AssistanceAssignment:
    require_office(actor)
    policy = get_policy(designation.policy_id)
    if role not in {r.code for r in policy.assistance_roles}:
        raise Refused(_("Unknown assistance role."), field="role")
    if member_unit.level != UnitLevel.DEPARTMENT:
        raise Refused(_("Assistance is given by member units."), field="member_unit")
    if designation.status != DesignationStatus.ACTIVE:
        raise Refused(_("Assistance is assigned to an active listing."), field="designation")
    if AssistanceAssignment.objects.filter(
        designation=designation, member_unit=member_unit, role=role, end_date__isnull=True
    ).exists():
        raise Refused(
            _("This member unit already has this role for the listing."), field="member_unit"
        )
    assignment = AssistanceAssignment.objects.create(
        designation=designation,
        member_unit=member_unit,
        role=role,
        start_date=start_date,
        end_date=end_date,
        notes=notes,
    )
    audit.record_create(actor, assignment)
    return assignment


@transaction.atomic
def record_visit(
    actor,
    *,
    assignment: AssistanceAssignment,
    date: datetime.date,
    content: str,
    participants: str = "",
) -> SupportVisit:
    scope = scope_for(actor) if actor is not None else None
    if scope is not None and not (
        is_office(actor)
        or (scope.may(CHANGE, SupportVisit) and scope.covers_path(assignment.member_unit.path))
    ):
        raise NotAllowed()
    if not content.strip():
        raise Refused(_("Say what was done."), field="content")
    visit = SupportVisit.objects.create(
        assignment=assignment,
        date=date,
        content=content,
        participants=participants,
        recorded_by=actor,
    )
    audit.record_create(actor, visit)
    return visit


# ---------------------------------------------------------------- inspections (art. 21)


@transaction.atomic
def record_inspection(
    actor,
    *,
    designation: Designation,
    date: datetime.date,
    inspectors: str,
    findings: str,
    member_units=(),
    follow_ups=(),
) -> Inspection:
    """``follow_ups``: (text, due_date or None) pairs. Fulfils that year's inspection duty."""
    require_office(actor)
    if not findings.strip():
        raise Refused(_("Record the findings."), field="findings")
    if not inspectors.strip():
        raise Refused(_("Name the inspectors."), field="inspectors")
    if date < designation.listed_date:
        raise Refused(_("The inspection cannot be dated before the listing."), field="date")
    inspection = Inspection.objects.create(
        designation=designation,
        date=date,
        inspectors=inspectors,
        findings=findings,
        recorded_by=actor,
    )
    inspection.member_units.set(member_units)
    for text, due in follow_ups:
        if text.strip():
            FollowUpItem.objects.create(
                inspection=inspection, text=text.strip()[:300], due_date=due
            )
    audit.record_create(actor, inspection)
    obligations.fulfil(
        actor,
        kind=ObligationKind.ANNUAL_INSPECTION,
        org_unit=obligations.office_unit_for(designation.org_unit),
        period=str(date.year),
        record=inspection,
        source=designation,
        on=date,
    )
    return inspection


@transaction.atomic
def close_follow_up(
    actor, item: FollowUpItem, *, done_on: datetime.date, result: str
) -> FollowUpItem:
    require_office(actor)
    before = audit.snapshot(item)
    item.done_on = done_on
    item.result = result[:300]
    item.save()
    audit.record_update(actor, item, before)
    return item


# ---------------------------------------------------------------- duties (art. 22, 24–27)


@transaction.atomic
def record_duty(
    actor,
    *,
    org_unit: OrgUnit,
    duty: str,
    met: bool,
    note: str = "",
    checked_on: datetime.date | None = None,
) -> DutyRecord:
    """The office's finding on a township duty. Duties derived from the positions register
    cannot be recorded by hand."""
    require_office(actor)
    policy = current_policy()
    spec = next((d for d in policy.township_duties if d.code == duty), None)
    if spec is None:
        raise Refused(_("Unknown duty."), field="duty")
    if spec.check == "positions":
        raise Refused(
            _(
                "This duty is read from the positions register; record the "
                "appointment there instead."
            ),
            field="duty",
            basis=[spec.article],
        )
    if org_unit.level != UnitLevel.TOWNSHIP:
        raise Refused(_("Duties are recorded for townships and the park."), field="org_unit")
    record = DutyRecord.objects.create(
        org_unit=org_unit,
        duty=duty,
        met=met,
        note=note,
        checked_on=checked_on or timezone.localdate(),
        checked_by=actor,
    )
    audit.record_create(actor, record)
    return record


def may_record_visit(user, assignment) -> bool:
    return may_act_on_unit(user, CHANGE, SupportVisit, assignment.member_unit)


# ---------------------------------------------------------------- documents (art. 28, 33)


@transaction.atomic
def issue_briefing(actor, *, date_from: datetime.date, date_to: datetime.date):
    """Art. 28: the committee's briefing to the county party committee and government, issued
    by the office from the records as they stand, and kept as issued."""
    require_office(actor)
    if date_from > date_to:
        raise Refused(_("The period ends before it starts."), field="date_to")
    policy = current_policy()
    listings = list(
        Designation.objects.restrict(actor, VIEW).select_related("org_unit")
        if actor is not None
        else Designation.objects.select_related("org_unit")
    )
    content = documents.briefing(actor, listings, date_from=date_from, date_to=date_to)
    return issued.issue(
        actor,
        kind=DocumentKind.BRIEFING,
        number="",
        date=date_to,
        issuer=policy.issuer,
        title=documents.BRIEFING_TITLE,
        content=content,
        policy_id=policy.id,
    )


@transaction.atomic
def issue_accountability_report(actor, *, date_from: datetime.date, date_to: datetime.date):
    """Art. 33: the report of accountability measures confirmed in the period."""
    require_office(actor)
    if date_from > date_to:
        raise Refused(_("The period ends before it starts."), field="date_to")
    policy = current_policy()
    queryset = (
        AccountabilityAction.objects.restrict(actor, VIEW)
        if actor is not None
        else AccountabilityAction.objects.all()
    )
    actions = list(
        queryset.filter(status=ActionStatus.CONFIRMED, decided_on__range=(date_from, date_to))
        .select_related("org_unit", "position")
        .order_by("decided_on", "id")
    )
    content = documents.accountability_report(actions, date_from=date_from, date_to=date_to)
    return issued.issue(
        actor,
        kind=DocumentKind.ACCOUNTABILITY_REPORT,
        number="",
        date=date_to,
        issuer=policy.issuer,
        title=documents.REPORT_TITLE,
        content=content,
        policy_id=policy.id,
    )


# ---------------------------------------------------------------- city listings (art. 24, 30)


@transaction.atomic
def record_city_listing(
    actor,
    *,
    org_unit: OrgUnit,
    level: str,
    document_no: str,
    date: datetime.date,
    notes: str = "",
) -> CityListing:
    """Record the city committee's listing of a township from its document; propose what the
    Measures attach to it (第三十条 for 市重点整治)."""
    require_office(actor)
    policy = current_policy()
    city = policy.city_level(level)
    if city is None:
        raise Refused(_("Choose a level of the city committee's listings."), field="level")
    if org_unit.level != UnitLevel.TOWNSHIP:
        raise Refused(_("The city committee lists townships and the park."), field="org_unit")
    if not document_no.strip():
        raise Refused(_("Enter the city committee's document number."), field="document_no")
    if CityListing.objects.filter(org_unit=org_unit, level=level, end_date__isnull=True).exists():
        raise Refused(_("This city listing is already recorded and has not ended."), field="level")
    listing = CityListing.objects.create(
        org_unit=org_unit,
        policy_id=policy.id,
        level=level,
        document_no=document_no.strip(),
        date=date,
        notes=notes,
        recorded_by=actor,
    )
    audit.record_create(actor, listing)
    for proposal in rules.city_listing_proposals(
        policy,
        city_level=level,
        listed_on=date,
        tenures=tenures_of(org_unit),
        unit_level=org_unit.level,
    ):
        _store(
            actor,
            proposal,
            unit=org_unit,
            policy_id=policy.id,
            city_listing=listing,
            key=f"city_listing:{listing.pk}:listed",
        )
    return listing


@transaction.atomic
def end_city_listing(actor, listing: CityListing, *, end_date: datetime.date) -> CityListing:
    """The city lifted its listing: the restrictions it brought end that day."""
    require_office(actor)
    if end_date < listing.date:
        raise Refused(_("The listing cannot end before it began."), field="end_date")
    before = audit.snapshot(listing)
    listing.end_date = end_date
    listing.save(update_fields=["end_date"])
    audit.record_update(actor, listing, before)
    for action in listing.actions.filter(effective_to__isnull=True):
        action_before = audit.snapshot(action)
        action.effective_to = end_date - datetime.timedelta(days=1)
        action.save(update_fields=["effective_to"])
        audit.record_update(actor, action, action_before)
    return listing


def city_listed_townships(on: datetime.date) -> set[int]:
    """Townships the city committee lists on ``on`` at a level bringing the duties of
    第二十四至二十七条."""
    policy = current_policy()
    levels = [c.code for c in policy.city_levels if c.township_duties]
    return {
        c.org_unit_id
        for c in CityListing.objects.filter(level__in=levels, date__lte=on)
        if c.active_on(on)
    }
