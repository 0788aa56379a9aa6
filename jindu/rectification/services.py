"""Actions on listings. Each checks permission, asks the rules, writes, and audits.

``record_decision`` is the only way a listing is created or changed: it asks
``rules.decide`` and, if the Measures refuse, raises ``Conflict`` naming the article, with
nothing written.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jindu.audit import services as audit
from jindu.core import events, workdays
from jindu.core.errors import Conflict, NotAllowed, Refused
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
from jindu.core.services import attach
from jindu.documents import services as issued
from jindu.documents.models import DocumentKind
from jindu.orgs.models import OrgUnit, UnitLevel
from jindu.policy.registry import current_policy, get_policy
from jindu.supervision import services as obligations
from jindu.supervision.models import ObligationKind

from . import documents, rules, satisfaction
from .models import (
    Application,
    ApplicationKind,
    ApplicationSource,
    ApplicationStatus,
    Assessment,
    ConditionFinding,
    Decision,
    DecisionKind,
    Designation,
    DesignationStatus,
    Evaluation,
    ProgressReport,
)


def listing_actions(user, designation: Designation) -> tuple[str, ...]:
    """What ``user`` may do with a listing now (the page's buttons): decide, assess, report —
    its named actions the role, the jurisdiction and the state allow."""
    return available_actions(user, designation)


def application_actions(user, application: Application) -> tuple[str, ...]:
    """What ``user`` may do with an application now: decide on it (or find it not adopted),
    withdraw it (the applicant, never the office)."""
    actions = available_actions(user, application)
    if is_office(user):
        actions = tuple(a for a in actions if a != "withdraw")
    return actions


def _may_decide(actor) -> bool:
    return actor is None or scope_for(actor).may(CHANGE, Decision)


def _unit_facts(unit: OrgUnit) -> tuple[rules.Unit, Designation | None]:
    active = Designation.objects.filter(org_unit=unit, status=DesignationStatus.ACTIVE).first()
    ever_lifted = Designation.objects.filter(
        org_unit=unit, status=DesignationStatus.LIFTED
    ).exists()
    return rules.Unit(
        level=unit.level, active=active.as_listing() if active else None, ever_lifted=ever_lifted
    ), active


@transaction.atomic
def record_decision(
    actor,
    *,
    kind: str,
    date: datetime.date,
    decision_no: str,
    designation: Designation | None = None,
    org_unit: OrgUnit | None = None,
    level: str = "",
    categories=(),
    source: str = "",
    assessment: Assessment | None = None,
    application: Application | None = None,
    notes: str = "",
    number_exception: str = "",
) -> Decision:
    if not _may_decide(actor):
        raise NotAllowed(_("Only the committee's leaders and the office record decisions."))
    if not decision_no.strip():
        raise Refused(_("Enter the decision's document number."), field="decision_no")
    if date > timezone.localdate():
        raise Refused(
            _("A decision is recorded once taken: its date cannot be in the future."), field="date"
        )
    if kind == DecisionKind.LIST:
        if org_unit is None:
            raise Refused(_("Choose the unit to list."), field="org_unit")
        policy = current_policy()
        unit = OrgUnit.objects.select_for_update().get(pk=org_unit.pk)
    else:
        if designation is None:
            raise Refused(_("Choose the listing this decision is about."), field="designation")
        designation = Designation.objects.select_for_update().get(pk=designation.pk)
        policy = get_policy(designation.policy_id)
        unit = designation.org_unit
    facts, active = _unit_facts(unit)
    if application is not None and application.org_unit_id != unit.pk:
        raise Refused(_("The application is about another unit."), field="application")
    request = rules.Request(
        kind=kind,
        date=date,
        level=level,
        categories=tuple(categories),
        source=source,
        has_application=application is not None and application.kind == ApplicationKind.LIST,
        assessment_all_met=assessment.all_met if assessment else None,
        assessment_date=assessment.date if assessment else None,
        assessment_for_this_listing=(
            assessment is None or active is None or assessment.designation_id == active.pk
        ),
        assessment_missing=tuple(
            code for code, met in (assessment.conditions if assessment else {}).items() if not met
        ),
        reason=notes,
    )
    outcome = rules.decide(policy, facts, request)
    if not outcome.allowed:
        extra = {"missing": list(outcome.missing)} if outcome.missing else None
        raise Conflict(outcome.message, basis=list(outcome.basis), extra=extra)
    _check_number(actor, policy, decision_no.strip(), date, number_exception)

    if kind == DecisionKind.LIST:
        target = Designation(org_unit=unit, policy_id=policy.id)
        target.apply(outcome.listing)
        target.save()
        audit.record_create(actor, target)
    else:
        target = active
        before = audit.snapshot(target)
        target.apply(outcome.listing)
        target.save()
        audit.record_update(actor, target, before)

    decision = Decision(
        designation=target,
        kind=kind,
        date=date,
        decision_no=decision_no.strip(),
        basis=list(outcome.basis),
        notes=notes,
        number_exception=number_exception.strip()[:300],
        assessment=assessment,
        application=application,
        state_after=_state(outcome.listing),
        decided_by=actor if actor else None,
    )
    decision.save()
    audit.record_create(actor, decision)
    issue_decision_document(actor, decision)

    if application is not None and application.status == ApplicationStatus.SUBMITTED:
        before = audit.snapshot(application)
        application.status = ApplicationStatus.DECIDED
        if application.designation_id is None:
            application.designation = target
        application.save(update_fields=["status", "designation"])
        audit.record_update(actor, application, before)

    # Higher areas react in this transaction (accountability proposes what a listing
    # brings); a refusal there rolls the decision back.
    events.publish(
        "rectification.decision_recorded", actor=actor, decision=decision, designation=target
    )
    if target.status == DesignationStatus.LIFTED:
        obligations.waive_after(
            actor, target, date, _("The listing was lifted on %(date)s.") % {"date": date}
        )
    else:
        sync_listing_obligations(actor, target)
    return decision


def sync_listing_obligations(actor, designation: Designation):
    """Create every obligation the listing's current state calls for and is not there yet
    (progress and expiry reports, inspections, evaluations). Idempotent: run after each
    decision; existing obligations are left as they are."""
    policy = get_policy(designation.policy_id)
    specs = rules.listing_obligations(policy, designation.as_listing(), workdays.calendar())
    unit = designation.org_unit
    return obligations.ensure_obligations(
        actor,
        specs,
        owners={"listed_unit": unit, "office": obligations.office_unit_for(unit)},
        source=designation,
        subject_unit=unit,
        policy_id=policy.id,
    )


def _check_number(actor, policy, number: str, date, exception: str) -> None:
    same_issuer = {
        d.designation.policy_id
        for d in Decision.objects.filter(decision_no=number).select_related("designation")
    }
    taken = any(get_policy(pid).issuer == policy.issuer for pid in same_issuer)
    if exception.strip():
        require_office(actor)  # the office confirms an exception to the numbering
    problem = rules.document_number_problem(number, date, taken=taken, exception_reason=exception)
    if problem:
        raise Refused(problem, field="decision_no")


def issue_decision_document(actor, decision: Decision):
    """The decision's document, generated once from the facts of its date and kept."""
    existing = issued.issued_for(DocumentKind.DECISION, decision)
    if existing is not None:
        return existing
    policy = get_policy(decision.designation.policy_id)
    return issued.issue(
        actor,
        kind=DocumentKind.DECISION,
        number=decision.decision_no,
        date=decision.date,
        issuer=policy.issuer,
        title=documents.decision_title(decision),
        content=documents.listing_decision(decision),
        org_unit=decision.designation.org_unit,
        source=decision,
        policy_id=policy.id,
    )


def _state(listing: rules.Listing) -> dict:
    return {
        "level": listing.level,
        "categories": list(listing.categories),
        "status": listing.status,
        "listed_date": listing.listed_date.isoformat(),
        "period_start": listing.period_start.isoformat(),
        "due_date": listing.due_date.isoformat(),
        "extensions_used": listing.extensions_used,
        "continuations": listing.continuations,
        "lifted_date": listing.lifted_date.isoformat() if listing.lifted_date else None,
    }


@transaction.atomic
def record_assessment(
    actor,
    *,
    designation: Designation,
    date: datetime.date,
    conditions: dict[str, bool],
    notes: str = "",
    findings: dict[str, dict] | None = None,
    evidence: dict[str, str] | None = None,
    attachments: dict[str, list] | None = None,
) -> Assessment:
    """Record whether each condition of art. 14 is met, against its sub-points, with evidence.

    ``findings`` may add, per condition, ``{"text": …, "points_met": [indexes]}``;
    ``evidence`` gives the evidence text per condition (the API's form of ``text``);
    ``attachments`` the files per condition. A condition marked met needs evidence (text or
    a file): the office cannot tick a condition it cannot show."""
    require_action(actor, "assess", designation)
    policy = get_policy(designation.policy_id)
    try:
        result = rules.assess(policy, conditions)
    except ValueError as exc:
        raise Refused(str(exc), field="conditions") from exc
    if date < designation.listed_date:
        raise Refused(_("The assessment cannot be dated before the listing."), field="date")
    evidence = evidence or {}
    attachments = attachments or {}
    unknown = sorted((set(evidence) | set(attachments)) - set(policy.condition_codes))
    if unknown:
        raise Refused(
            _("Unknown condition: %(codes)s.") % {"codes": "、".join(unknown)}, field="evidence"
        )
    texts = {}
    for condition in policy.conditions:
        extra = (findings or {}).get(condition.code, {})
        texts[condition.code] = "\n".join(
            t
            for t in (
                str(extra.get("text", "")).strip(),
                str(evidence.get(condition.code) or "").strip(),
            )
            if t
        )
    unproven = rules.unproven_conditions(
        policy,
        conditions,
        {code for code, text in texts.items() if text}
        | {code for code, files in attachments.items() if files},
    )
    if unproven:
        raise Refused(
            _("A condition marked met needs its evidence (text or attachments): %(list)s.")
            % {"list": rules.unmet_conditions_text(policy, unproven)},
            field="evidence",
            basis=[policy.rule_article("lower_lift_article")],
        )
    assessment = Assessment.objects.create(
        designation=designation,
        date=date,
        conditions={c: bool(conditions.get(c, False)) for c in policy.condition_codes},
        all_met=result.all_met,
        notes=notes,
        assessed_by=actor,
    )
    for condition in policy.conditions:
        extra = (findings or {}).get(condition.code, {})
        points = [
            int(i) for i in extra.get("points_met", []) if 0 <= int(i) < len(condition.points)
        ]
        ConditionFinding.objects.create(
            assessment=assessment,
            condition=condition.code,
            met=bool(conditions.get(condition.code, False)),
            points_met=points,
            findings=texts[condition.code],
        )
    audit.record_create(actor, assessment)
    _attach_evidence(actor, assessment, policy, attachments)
    return assessment


def _attach_evidence(actor, assessment: Assessment, policy, attachments: dict | None) -> None:
    for condition in policy.conditions:
        files = (attachments or {}).get(condition.code, [])
        if files:
            attach(
                actor, assessment, files, role=condition.code, field=f"evidence_{condition.code}"
            )


@transaction.atomic
def submit_application(
    actor,
    *,
    org_unit: OrgUnit,
    kind: str,
    year: int,
    reasons: str,
    level: str = "",
    categories=(),
    source: str = ApplicationSource.APPLICATION,
    applicant_unit: OrgUnit | None = None,
    files=(),
) -> Application:
    """A unit's yearly application (art. 15, 18), a township's proposal of one of its
    villages (art. 12, 17), or the office's proposal of a unit that did not apply (art. 16)."""
    policy = current_policy()
    scope = scope_for(actor) if actor is not None else None
    if source == ApplicationSource.OFFICE_PROPOSAL:
        require_office(actor)
    elif actor is not None and not may_act_on_unit(actor, CHANGE, Application, org_unit):
        raise NotAllowed()
    if org_unit.level not in policy.designation_levels:
        raise Refused(
            _("Units of this level cannot be listed under %(title)s.")
            % {"title": policy.short_title},
            field="org_unit",
            basis=[policy.designation_article],
        )
    if kind not in {k.code for k in policy.application_kinds}:
        raise Refused(_("Unknown kind of application."), field="kind")
    if not reasons.strip():
        raise Refused(_("Give the reasons for the application."), field="reasons")
    active = Designation.objects.filter(org_unit=org_unit, status=DesignationStatus.ACTIVE).first()
    if kind == ApplicationKind.LIST:
        if active is not None:
            raise Refused(
                _("The unit is already listed; apply to extend, lower or lift instead."),
                field="kind",
                basis=[policy.rule_article("one_active_listing_article")],
            )
        if policy.level(level) is None:
            raise Refused(_("Choose the level applied for."), field="level")
        unknown = [c for c in categories if policy.category(c) is None]
        if not categories or unknown:
            raise Refused(_("Choose at least one category from the list."), field="categories")
    elif active is None:
        raise Refused(_("The unit has no active listing to extend, lower or lift."), field="kind")
    if applicant_unit is None:
        applicant_unit = org_unit
        if scope is not None and actor.unit_id and not scope.everything:
            applicant_unit = actor.unit
    if Application.objects.filter(
        org_unit=org_unit, year=year, kind=kind, status=ApplicationStatus.SUBMITTED
    ).exists():
        raise Refused(
            _("An application of this kind for this year is already pending."), field="kind"
        )
    application = Application.objects.create(
        org_unit=org_unit,
        applicant_unit=applicant_unit,
        policy_id=policy.id,
        year=year,
        kind=kind,
        source=source,
        designation=active if kind != ApplicationKind.LIST else None,
        level=level if kind == ApplicationKind.LIST else "",
        categories=list(dict.fromkeys(categories)) if kind == ApplicationKind.LIST else [],
        reasons=reasons.strip(),
        submitted_by=actor,
    )
    audit.record_create(actor, application)
    attach(actor, application, files)
    _notify_deciders(application)
    return application


def _notify_deciders(application: Application) -> int:
    """An application or proposal waits for the committee's decision."""
    from django.urls import reverse

    from jindu.supervision import notifications

    return notifications.notify(
        notifications.leaders(),
        kind="decision_waiting",
        key=f"application:{application.pk}",
        text=_("Waiting for a decision: %(kind)s of %(unit)s (%(year)s).")
        % {
            "kind": application.get_kind_display(),
            "unit": application.org_unit.name,
            "year": application.year,
        },
        url=reverse("rectification:application_detail", args=[application.pk]),
    )


@transaction.atomic
def close_application(actor, application: Application, status: str) -> Application:
    """Withdraw (the applicant) or mark not adopted (the office)."""
    if status == ApplicationStatus.WITHDRAWN:
        # The applicant withdraws; the office finds an application not adopted instead.
        require_action(actor, "withdraw", application)
        if actor is not None and is_office(actor):
            raise NotAllowed()
    elif status == ApplicationStatus.REJECTED:
        require_action(actor, "decide", application)
    else:
        raise Refused(_("Unknown status."))
    if application.status != ApplicationStatus.SUBMITTED:
        raise Refused(_("Only a pending application can be closed."))
    before = audit.snapshot(application)
    application.status = status
    application.save(update_fields=["status"])
    audit.record_update(actor, application, before)
    return application


@transaction.atomic
def record_evaluation(
    actor,
    *,
    org_unit: OrgUnit,
    year: int,
    date: datetime.date,
    methods,
    member_units=(),
    recorded: dict[str, float],
    recommendation: str,
    findings: str = "",
    satisfaction_respondents: int = 0,
    conditions: dict[str, bool] | None = None,
    condition_findings: dict[str, dict] | None = None,
    baseline: Evaluation | None = None,
    evidence: dict[str, list] | None = None,
) -> Evaluation:
    require_office(actor)
    policy = current_policy()
    known_methods = {m.code for m in policy.evaluation.methods}
    if not methods:
        raise Refused(
            _("Choose at least one evaluation method."),
            field="methods",
            basis=[policy.evaluation.article],
        )
    if set(methods) - known_methods:
        raise Refused(_("Unknown evaluation method."), field="methods")
    if recommendation not in {r.code for r in policy.evaluation.recommendations}:
        raise Refused(_("Choose a recommendation."), field="recommendation")
    if date.year < year:
        raise Refused(
            _("An evaluation of %(year)s cannot be dated before that year.") % {"year": year},
            field="date",
        )
    if Evaluation.objects.filter(org_unit=org_unit, year=year).exists():
        raise Refused(
            _("%(unit)s already has an evaluation for %(year)s.")
            % {"unit": org_unit, "year": year},
            field="year",
        )
    # A registered survey (第五条) replaces the typed satisfaction figure for this unit and year.
    figure = satisfaction.figure_for(org_unit, year)
    if figure is not None:
        recorded = {**recorded, figure.item: figure.rate}
        satisfaction_respondents = figure.respondents
    try:
        score = rules.score_evaluation(policy, recorded)
    except ValueError as exc:
        raise Refused(str(exc), field="recorded") from exc
    designation = Designation.objects.filter(
        org_unit=org_unit, status=DesignationStatus.ACTIVE
    ).first()
    assessment = None
    if conditions is not None and designation is not None:
        assessment = record_assessment(
            actor,
            designation=designation,
            date=date,
            conditions=conditions,
            findings=condition_findings,
            notes=_("From the %(year)s evaluation") % {"year": year},
            evidence=evidence,
        )
    evaluation = Evaluation.objects.create(
        org_unit=org_unit,
        designation=designation,
        policy_id=policy.id,
        year=year,
        date=date,
        methods=list(dict.fromkeys(methods)),
        recorded={k: v for k, v in recorded.items()},
        objective_score=score.objective,
        subjective_score=score.subjective,
        total_score=score.total,
        grade=score.grade,
        vetoed_by=list(score.vetoed_by),
        satisfaction_respondents=satisfaction_respondents,
        findings=findings,
        recommendation=recommendation,
        assessment=assessment,
        baseline=baseline,
        evaluated_by=actor,
    )
    evaluation.member_units.set(member_units)
    audit.record_create(actor, evaluation)
    if designation is not None:
        obligations.fulfil(
            actor,
            kind=ObligationKind.ANNUAL_EVALUATION,
            org_unit=obligations.office_unit_for(org_unit),
            period=str(year),
            record=evaluation,
            source=designation,
            on=date,
        )
    return evaluation


def baseline_for(user, org_unit: OrgUnit, year: int) -> Evaluation | None:
    """Last year's evaluation of the unit, to start this year's from (if the user may see it)."""
    return (
        Evaluation.objects.restrict(user, VIEW)
        .filter(org_unit=org_unit, year__lt=year)
        .order_by("-year")
        .first()
    )


@transaction.atomic
def submit_progress_report(
    actor,
    *,
    designation: Designation,
    period: str,
    text: str,
    is_final: bool = False,
    files=(),
) -> ProgressReport:
    require_action(actor, "report", designation)
    if designation.status != DesignationStatus.ACTIVE:
        raise Refused(_("Reports are made for an active listing."))
    if not text.strip():
        raise Refused(_("The report is empty."), field="text")
    report = ProgressReport.objects.create(
        designation=designation,
        period=period,
        is_final=is_final,
        text=text.strip(),
        submitted_by=actor,
    )
    audit.record_create(actor, report)
    attach(actor, report, files)
    kind = ObligationKind.EXPIRY_REPORT if is_final else ObligationKind.PROGRESS_REPORT
    obligations.fulfil(
        actor,
        kind=kind,
        org_unit=designation.org_unit,
        period=period,
        record=report,
        source=designation,
    )
    return report


def township_of(unit: OrgUnit) -> OrgUnit | None:
    return unit if unit.level == UnitLevel.TOWNSHIP else unit.township()
