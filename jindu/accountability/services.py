"""Actions on responsibilities and accountability. Proposals come from the rules; people
confirm or reject them. Every write is audited."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jindu.accounts.roles import Role
from jindu.audit import services as audit
from jindu.core.errors import NotAllowed, Refused
from jindu.core.scoping import CHANGE, may_act_on_unit, require_office, scope_for
from jindu.orgs.models import OrgUnit, Position, UnitLevel
from jindu.policy.registry import current_policy, get_policy
from jindu.rectification.models import Designation, DesignationStatus
from jindu.supervision import services as obligations
from jindu.supervision.models import ObligationKind

from . import rules
from .models import (
    AccountabilityAction,
    ActionKind,
    ActionStatus,
    ActionTrigger,
    AnnualAssessment,
    AnnualAssessmentResult,
    AssistanceAssignment,
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
                policy_id=policy_id,
                basis=list(proposal.basis),
                reason=proposal.reason[:300],
                effective_from=proposal.effective_from,
                effective_to=proposal.effective_to,
            )
    except IntegrityError:
        return None
    audit.record_create(actor, action)
    return action


@transaction.atomic
def propose_for_listing(actor, designation: Designation) -> list[AccountabilityAction]:
    """Art. 29–30: the proposals a listing brings, for the unit and its responsible persons."""
    policy = get_policy(designation.policy_id)
    proposals = rules.listing_proposals(
        policy,
        level=designation.level,
        listed_on=designation.listed_date,
        tenures=tenures_of(designation.org_unit),
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
        )
        for proposal in proposals:
            action = _store(
                actor,
                proposal,
                unit=designation.org_unit,
                policy_id=policy.id,
                designation=designation,
                key=f"designation:{designation.pk}:{trigger}:{designation.due_date}",
            )
            if action:
                created.append(action)
    return created


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
    require_office(actor)
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
    action.save()
    audit.record_update(actor, action, before)
    return action


# ---------------------------------------------------------------- eligibility


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
    """For the person holding ``position``: restrictions on them through any post they held."""
    same_person = Position.objects.filter(
        holder_name=position.holder_name, org_unit=position.org_unit
    )
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
        scope.role == Role.OFFICE_ADMIN
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
        org_unit=obligations._office_unit_for(designation.org_unit),
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
