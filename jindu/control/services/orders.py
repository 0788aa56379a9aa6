"""Actions on measures (社区戒毒, 社区康复, 强制隔离戒毒) and tests.

The rules (``control/rules.py``) decide deadlines, terms, breaches and proposals; these
functions check permission, ask the rules, write and audit in one transaction. What calls for
action raises a follow-up (``followups``); a proposal is never applied by itself — a person
decides. Leave from the county is in ``leave``.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from jindu.core.errors import Conflict, Refused

from .. import rules
from ..models import (
    COMMUNITY_KINDS,
    ControlOrder,
    EndKind,
    FollowUp,
    FollowUpKind,
    LeaveRequest,
    LeaveStatus,
    NotExecutedReason,
    OrderKind,
    Person,
    PersonStatus,
    StatusChange,
    TestKind,
    TestResult,
    UrineTest,
)
from ..policy import control_policy, policy_for
from ..selectors import running_community_order
from .common import (
    audit_create,
    audit_update,
    not_before,
    not_in_future,
    require_person_change,
    snapshot,
)
from .followups import propose_escalation, raise_follow_up

# ---------------------------------------------------------------- orders


def _term(order: ControlOrder, suspended_days: int = 0) -> rules.Term | None:
    return rules.order_term(
        policy_for(order),
        order.kind,
        decision_date=order.decision_date,
        reported_date=order.reported_date,
        term_months=order.term_months,
        extension_months=order.extension_months,
        suspended_days=suspended_days,
    )


def _status_to(actor, person: Person, status: str, date: datetime.date, reason: str) -> None:
    """Follow a measure with the status it implies (e.g. executed isolation → in a facility),
    unless the person's status already says so."""
    person.refresh_from_db(fields=["status", "status_since"])
    if person.status == status or date < person.status_since:
        return
    change = StatusChange.objects.create(
        person=person, date=date, status=status, reason=reason, recorded_by=actor
    )
    audit_create(actor, change)
    before = snapshot(person)
    person.status, person.status_since = status, date
    person.save(update_fields=["status", "status_since", "updated_at"])
    audit_update(actor, person, before)


def _apply_execution(
    actor,
    order: ControlOrder,
    *,
    reported_date=None,
    executed_date=None,
    not_executed_reason=None,
    not_executed_note=None,
    late_reason=None,
    agreement_signed_date=None,
    working_group=None,
) -> None:
    """Validate and set the report (community) or execution (isolation) facts on ``order``."""
    policy = policy_for(order)
    kind = policy.order_kind(order.kind)
    if kind.is_community and executed_date is not None:
        raise Refused(
            _("A community order is reported to, not executed: give the report date."),
            field="executed_date",
        )
    if not kind.is_community and reported_date is not None:
        raise Refused(
            _("Compulsory isolation is executed, not reported to: give the execution date."),
            field="reported_date",
        )
    for field, value in (
        ("reported_date", reported_date),
        ("executed_date", executed_date),
        ("agreement_signed_date", agreement_signed_date),
    ):
        not_in_future(value, field)
        not_before(value, order.decision_date, field, _("The date is before the decision."))
    if reported_date is not None:
        order.reported_date = reported_date
    if executed_date is not None:
        order.executed_date = executed_date
    if late_reason is not None:
        order.late_reason = late_reason.strip()
    if not_executed_reason is not None:
        if not_executed_reason and not_executed_reason not in NotExecutedReason.values:
            raise Refused(_("Unknown reason."), field="not_executed_reason")
        order.not_executed_reason = not_executed_reason
    if not_executed_note is not None:
        order.not_executed_note = not_executed_note.strip()
    if agreement_signed_date is not None:
        if not kind.is_community:
            raise Refused(
                _("Only community orders have an agreement."), field="agreement_signed_date"
            )
        not_before(
            agreement_signed_date,
            order.reported_date,
            "agreement_signed_date",
            _("The agreement is signed after reporting."),
        )
        order.agreement_signed_date = agreement_signed_date
    if working_group is not None:
        order.working_group = working_group.strip()
    if order.not_executed_reason and (order.reported_date or order.executed_date):
        raise Refused(
            _("An order that was executed has no reason for not being executed."),
            field="not_executed_reason",
        )
    if order.not_executed_reason == NotExecutedReason.OTHER and not order.not_executed_note:
        raise Refused(_("Describe the reason."), field="not_executed_note")
    term = _term(order)
    order.expected_end = term.end if term else None
    basis = [kind.term_article, kind.report_article]
    if term:
        basis += list(term.basis)
    if order.not_executed_reason:
        basis.append(policy.exemption_article)
    order.basis = list(dict.fromkeys(b for b in basis if b))


def _after_execution(actor, order: ControlOrder) -> None:
    """What the report or execution brings: status, and for a late report without a good
    reason, refusal (条例第十四条) and the proposal of 禁毒法第三十八条第一款第（一）项."""
    policy = policy_for(order)
    if order.kind == OrderKind.COMPULSORY_ISOLATION and order.executed_date and not order.end_date:
        _status_to(
            actor,
            order.person,
            PersonStatus.IN_FACILITY,
            order.executed_date,
            _("Compulsory isolation executed."),
        )
    if order.is_community and order.reported_date:
        state = rules.report_state(
            policy,
            order.kind,
            order.decision_date,
            order.reported_date,
            on=order.reported_date,
            good_reason=bool(order.late_reason),
        )
        if state.state == rules.REFUSED:
            _refused(actor, order, state)


def _refused(actor, order: ControlOrder, state: rules.ReportOutcome) -> None:
    raise_follow_up(
        actor,
        order.person,
        kind=FollowUpKind.REPORT_OVERDUE,
        key=f"report:order:{order.pk}",
        reason=state.message,
        basis=state.basis,
        order=order,
    )
    propose_escalation(
        actor,
        order.person,
        rules.EscalationFacts(refused_community=True),
        key=f"escalation:order:{order.pk}:refused_community",
        on=state.due_date,
        order=order,
    )


@transaction.atomic
def record_order(
    actor,
    person: Person,
    *,
    kind: str,
    decision_date: datetime.date,
    authority: str = "",
    decision_no: str = "",
    term_months: int | None = None,
    reported_date: datetime.date | None = None,
    executed_date: datetime.date | None = None,
    not_executed_reason: str = "",
    not_executed_note: str = "",
    late_reason: str = "",
    agreement_signed_date: datetime.date | None = None,
    working_group: str = "",
) -> ControlOrder:
    """Record a decided measure, with its report or execution if already known. The term and
    reporting deadline come from the policy (禁毒法第三十三、四十七、四十八条, 条例第十四条)."""
    require_person_change(actor, person)
    policy = control_policy(on=decision_date)
    if kind not in OrderKind.values:
        raise Refused(_("Unknown kind of order."), field="kind")
    not_in_future(decision_date, "decision_date")
    not_before(
        decision_date, person.birth_date, "decision_date", _("The date is before the birth.")
    )
    for field, message, basis in rules.term_problems(policy, kind, term_months):
        raise Refused(message, field=field, basis=basis)
    order_kind = policy.order_kind(kind)
    order = ControlOrder(
        person=person,
        kind=kind,
        decision_date=decision_date,
        authority=authority.strip(),
        decision_no=decision_no.strip(),
        term_months=term_months or order_kind.term_months,
        report_due=rules.report_due(policy, kind, decision_date)
        if order_kind.is_community
        else None,
        policy_id=policy.id,
        recorded_by=actor,
    )
    _apply_execution(
        actor,
        order,
        reported_date=reported_date,
        executed_date=executed_date,
        not_executed_reason=not_executed_reason,
        not_executed_note=not_executed_note,
        late_reason=late_reason,
        agreement_signed_date=agreement_signed_date,
        working_group=working_group,
    )
    order.save()
    audit_create(actor, order)
    _after_execution(actor, order)
    return order


@transaction.atomic
def record_report(actor, order: ControlOrder, **facts) -> ControlOrder:
    """Record the report (community) or execution (isolation), a reason for not executing,
    the agreement (条例第十六条) and the working group (条例第十七条). Only the facts given
    change."""
    require_person_change(actor, order.person)
    order = ControlOrder.objects.select_for_update().select_related("person").get(pk=order.pk)
    if order.end_date:
        raise Refused(_("This order has ended."))
    allowed = {
        "reported_date",
        "executed_date",
        "not_executed_reason",
        "not_executed_note",
        "late_reason",
        "agreement_signed_date",
        "working_group",
    }
    if set(facts) - allowed:
        raise Refused(
            _("These facts cannot be recorded here: %(f)s.")
            % {"f": ", ".join(sorted(set(facts) - allowed))}
        )
    for field in ("reported_date", "executed_date"):
        current = getattr(order, field)
        if facts.get(field) is not None and current is not None and facts[field] != current:
            raise Refused(_("This date is already recorded."), field=field)
    before = snapshot(order)
    _apply_execution(actor, order, **facts)
    order.save()
    audit_update(actor, order, before)
    _after_execution(actor, order)
    return order


# What the decision fixed: a later change of these is refused on every entry point.
ORDER_FIXED_FIELDS = ("person", "kind", "decision_date", "decision_no", "authority", "term_months")
# What happens after the decision and is recorded as it becomes known (record_report).
ORDER_REPORT_FACTS = (
    "reported_date",
    "executed_date",
    "not_executed_reason",
    "not_executed_note",
    "late_reason",
    "agreement_signed_date",
    "working_group",
)


def _end_facts(end_date, end_kind: str) -> None:
    if end_date and not end_kind:
        raise Refused(_("Say how the order ended."), field="end_kind")


@transaction.atomic
def record_order_and_end(
    actor,
    person: Person,
    *,
    end_date: datetime.date | None = None,
    end_kind: str = "",
    end_note: str = "",
    **order,
) -> ControlOrder:
    """Record a decided measure and, when it has already ended, its end — one action: if the
    end is refused, the order is not recorded either."""
    _end_facts(end_date, end_kind)
    recorded = record_order(actor, person, **order)
    if end_date:
        recorded = end_order(actor, recorded, end_date=end_date, end_kind=end_kind, note=end_note)
    return recorded


@transaction.atomic
def change_order(
    actor,
    order: ControlOrder,
    *,
    end_date: datetime.date | None = None,
    end_kind: str = "",
    end_note: str = "",
    **changes,
) -> ControlOrder:
    """Change a recorded order as one action: the facts reported since (``record_report``)
    and, if given, its end. What the decision fixed cannot change; a refused end leaves the
    reported facts unwritten."""
    for fixed in ORDER_FIXED_FIELDS:
        if fixed in changes and changes[fixed] != getattr(order, fixed):
            raise Refused(_("Recorded with the decision; it cannot be changed."), field=fixed)
    _end_facts(end_date, end_kind)
    facts = {
        k: changes[k]
        for k in ORDER_REPORT_FACTS
        if k in changes and changes[k] != getattr(order, k) and changes[k] is not None
    }
    if facts:
        order = record_report(actor, order, **facts)
    if end_date and order.end_date is None:
        order = end_order(actor, order, end_date=end_date, end_kind=end_kind, note=end_note)
    return order


@transaction.atomic
def extend_isolation(actor, order: ControlOrder, *, months: int) -> ControlOrder:
    """Extend compulsory isolation (at most one year in total, 禁毒法第四十七条)."""
    require_person_change(actor, order.person)
    order = ControlOrder.objects.select_for_update().get(pk=order.pk)
    if order.end_date:
        raise Refused(_("This order has ended."))
    total = order.extension_months + months
    for field, message, basis in rules.term_problems(policy_for(order), order.kind, None, total):
        raise Conflict(
            message, field="months" if field == "extension_months" else field, basis=basis
        )
    before = snapshot(order)
    order.extension_months = total
    term = _term(order)
    order.expected_end = term.end if term else None
    order.save(update_fields=["extension_months", "expected_end"])
    audit_update(actor, order, before)
    return order


@transaction.atomic
def end_order(
    actor, order: ControlOrder, *, end_date: datetime.date, end_kind: str, note: str = ""
) -> ControlOrder:
    """End a measure: expiry (解除; the township is notified within 7 days, 条例第二十三条),
    early release of isolation after a year (禁毒法第四十七条), suspension on detention or
    termination on a sentence (条例第二十四条), conversion to isolation (禁毒法第三十八条)."""
    require_person_change(actor, order.person)
    policy = policy_for(order)
    order = ControlOrder.objects.select_for_update().select_related("person").get(pk=order.pk)
    if order.end_date:
        raise Refused(_("This order has already ended."))
    if end_kind not in EndKind.values:
        raise Refused(_("Unknown kind of end."), field="end_kind")
    not_in_future(end_date, "end_date")
    not_before(end_date, order.decision_date, "end_date", _("The date is before the decision."))
    if end_kind == EndKind.OTHER and not note.strip():
        raise Refused(_("Describe how the order ended."), field="end_note")
    if end_kind == EndKind.EARLY_RELEASE:
        if order.kind != OrderKind.COMPULSORY_ISOLATION:
            raise Refused(_("Only compulsory isolation is released early."), field="end_kind")
        outcome = rules.early_release(
            policy, decision_date=order.decision_date, release_date=end_date
        )
        if not outcome.allowed:
            raise Conflict(outcome.message, field="end_date", basis=outcome.basis)
    if (
        end_kind in (EndKind.SUSPENDED, EndKind.TERMINATED, EndKind.CONVERTED)
        and not order.is_community
    ):
        raise Refused(
            _("Only community orders are suspended, terminated or converted."), field="end_kind"
        )
    if end_kind == EndKind.EXPIRY and order.expected_end and end_date < order.expected_end:
        raise Conflict(
            _("The term runs until %(date)s.") % {"date": order.expected_end.isoformat()},
            field="end_date",
            basis=order.basis,
        )
    before = snapshot(order)
    order.end_date, order.end_kind, order.end_note = end_date, end_kind, note.strip()
    order.save(update_fields=["end_date", "end_kind", "end_note"])
    audit_update(actor, order, before)

    if end_kind == EndKind.EXPIRY and order.is_community:
        due, basis = rules.expiry_notice_due(policy, order.kind, end_date)
        raise_follow_up(
            actor,
            order.person,
            kind=FollowUpKind.EXPIRY_NOTICE,
            key=f"expiry:order:{order.pk}",
            reason=_("The order expired on %(date)s: notify the township by %(due)s.")
            % {"date": end_date.isoformat(), "due": due.isoformat()},
            basis=basis,
            order=order,
            due_date=due,
        )
    if order.kind == OrderKind.COMPULSORY_ISOLATION and order.executed_date:
        _status_to(
            actor, order.person, PersonStatus.IN_SOCIETY, end_date, _("Released from isolation.")
        )
    if end_kind in (EndKind.SUSPENDED, EndKind.TERMINATED):
        _status_to(
            actor, order.person, PersonStatus.IN_CUSTODY, end_date, order.get_end_kind_display()
        )
    return order


@transaction.atomic
def resume_order(actor, order: ControlOrder, *, date: datetime.date) -> ControlOrder:
    """After release from detention, a suspended community order goes on (条例第二十四条): a
    new order continues it, and the days of suspension move its end if the policy says so."""
    require_person_change(actor, order.person)
    policy = policy_for(order)
    order = ControlOrder.objects.select_for_update().select_related("person").get(pk=order.pk)
    if order.end_kind != EndKind.SUSPENDED:
        raise Refused(_("Only a suspended order is resumed."))
    if order.continued_by.exists():
        raise Refused(_("This order has already been resumed."))
    not_in_future(date, "date")
    not_before(date, order.end_date, "date", _("The order resumes after its suspension."))
    expected_end = order.expected_end
    if expected_end and policy.suspension_extends_term:
        expected_end += date - order.end_date
    resumed = ControlOrder.objects.create(
        person=order.person,
        kind=order.kind,
        decision_date=order.decision_date,
        decision_no=order.decision_no,
        authority=order.authority,
        term_months=order.term_months,
        report_due=order.report_due,
        reported_date=date,
        agreement_signed_date=order.agreement_signed_date,
        working_group=order.working_group,
        expected_end=expected_end,
        continues=order,
        basis=list(dict.fromkeys([*order.basis, policy.suspension_article])),
        policy_id=order.policy_id,
        recorded_by=actor,
    )
    audit_create(actor, resumed)
    _status_to(actor, order.person, PersonStatus.IN_SOCIETY, date, _("Released; order resumed."))
    return resumed


def check_reports(actor, on: datetime.date) -> list[FollowUp]:
    """Daily: community orders not reported to by their deadline count as refusal (条例第十四
    条); raise the follow-up and the proposal once per order."""
    raised = []
    overdue = ControlOrder.objects.filter(
        kind__in=COMMUNITY_KINDS,
        reported_date__isnull=True,
        end_date__isnull=True,
        not_executed_reason="",
        report_due__lt=on,
    ).select_related("person")
    for order in overdue.iterator():
        policy = policy_for(order)
        state = rules.report_state(policy, order.kind, order.decision_date, None, on=on)
        if state.state != rules.REFUSED:
            continue
        with transaction.atomic():
            if not FollowUp.objects.filter(trigger_key=f"report:order:{order.pk}").exists():
                _refused(actor, order, state)
                raised.append(order)
    return raised


# ---------------------------------------------------------------- tests


def _check_test(person: Person, *, date, result: str, kind: str, confirm: bool) -> None:
    if kind not in TestKind.values:
        raise Refused(_("Choose urine or hair."), field="kind")
    if result not in TestResult.values:
        raise Refused(_("Unknown result."), field="result")
    not_in_future(date, "date")
    not_before(date, person.birth_date, "date", _("The date is before the birth."))
    if date < person.first_found_date and not confirm:
        # Usually a typing error; sometimes an older test entered late. The user decides.
        raise Refused(
            _(
                "The test is dated before the person's first finding (%(first)s). Check the "
                "date, or tick the confirmation to record it anyway."
            )
            % {"first": person.first_found_date.isoformat()},
            field="date",
            errors={
                "date": [
                    _("Before the first finding (%(first)s).")
                    % {"first": person.first_found_date.isoformat()}
                ],
                "confirm_before_finding": [_("Tick to confirm the date.")],
            },
        )


@transaction.atomic
def record_test(
    actor,
    person: Person,
    *,
    date: datetime.date,
    result: str,
    kind: str = TestKind.URINE,
    place: str = "",
    tested_by: str = "",
    notes: str = "",
    confirm_before_finding: bool = False,
) -> UrineTest:
    """Record a urine or hair test. A positive, refused or missed test raises a follow-up; a
    refused or missed one counts toward a serious breach (条例第二十条); a positive one under a
    community order, or after the measures ended, brings the proposal of 禁毒法第三十八条."""
    require_person_change(actor, person)
    _check_test(person, date=date, result=result, kind=kind, confirm=confirm_before_finding)
    order = running_community_order(person, date)
    test = UrineTest.objects.create(
        person=person,
        order=order,
        date=date,
        kind=kind,
        result=result,
        place=place,
        tested_by=tested_by,
        notes=notes,
        recorded_by=actor,
    )
    audit_create(actor, test)
    if result == TestResult.NEGATIVE:
        return test
    policy = policy_for(order) if order else control_policy()
    basis = [policy.breach.article] if result != TestResult.POSITIVE and order else []
    raise_follow_up(
        actor,
        person,
        kind=FollowUpKind.TEST_RESULT,
        key=f"test:{test.pk}",
        reason=_("Test on %(date)s: %(result)s.")
        % {"date": date.isoformat(), "result": test.get_result_display()},
        basis=basis,
        test=test,
        order=order,
    )
    if result == TestResult.POSITIVE:
        if order is not None:
            facts = rules.EscalationFacts(drug_use_during=order.kind == OrderKind.COMMUNITY_DETOX)
            if order.kind == OrderKind.COMMUNITY_REHAB:
                facts = rules.EscalationFacts(relapse_after_measures=True)
            propose_escalation(
                actor, person, facts, key=f"escalation:test:{test.pk}", on=date, order=order
            )
        elif ControlOrder.objects.filter(person=person, end_date__lt=date).exists():
            propose_escalation(
                actor,
                person,
                rules.EscalationFacts(relapse_after_measures=True),
                key=f"escalation:test:{test.pk}",
                on=date,
            )
    else:
        check_breach(actor, person, on=date)
    return test


@transaction.atomic
def record_tests(actor, person: Person, tests) -> list[UrineTest]:
    """Many tests of one person at once (a loader's history), in the order given, each
    checked and written as ``record_test`` writes it. A negative test raises nothing: those
    are inserted together, each under the community order running on its day (the person's
    orders are read once) and each audited; any other result goes through ``record_test``
    when its turn comes (the negatives before it written first), so its follow-up, breach
    count and proposal see the same history. ``tests`` are dicts of ``record_test``'s
    keywords."""
    require_person_change(actor, person)
    recorded: list[UrineTest] = []
    pending: list[UrineTest] = []

    def running_orders():
        return list(
            ControlOrder.objects.filter(
                person=person, kind__in=COMMUNITY_KINDS, reported_date__isnull=False
            ).order_by("-reported_date", "-id")
        )

    def flush():
        UrineTest.objects.bulk_create(pending, batch_size=1000)
        for test in pending:
            audit_create(actor, test)
        recorded.extend(pending)
        pending.clear()

    orders = running_orders()
    for item in tests:
        item = {"kind": TestKind.URINE, **item}
        if item["result"] != TestResult.NEGATIVE:
            flush()
            recorded.append(record_test(actor, person, **item))
            orders = running_orders()  # what the rules did may have changed them
            continue
        date = item["date"]
        _check_test(
            person,
            date=date,
            result=item["result"],
            kind=item["kind"],
            confirm=item.get("confirm_before_finding", False),
        )
        # running_community_order, on the orders read once.
        order = next(
            (
                o
                for o in orders
                if o.reported_date <= date and (o.end_date is None or o.end_date >= date)
            ),
            None,
        )
        pending.append(
            UrineTest(
                person=person,
                order=order,
                date=date,
                kind=item["kind"],
                result=item["result"],
                place=item.get("place", ""),
                tested_by=item.get("tested_by", ""),
                notes=item.get("notes", ""),
                recorded_by=actor,
            )
        )
    flush()
    return recorded


# ---------------------------------------------------------------- breach (条例第二十条)


def breach_facts(person: Person, order: ControlOrder, on: datetime.date) -> rules.BreachFacts:
    since = order.reported_date or order.decision_date
    counts = UrineTest.objects.filter(person=person, date__gte=since, date__lte=on).aggregate(
        refused=Count("pk", filter=Q(result=TestResult.REFUSED)),
        missed=Count("pk", filter=Q(result=TestResult.MISSED)),
    )
    leaves = [
        rules.LeaveFacts(
            leave.from_date,
            leave.to_date,
            leave.status != LeaveStatus.UNAPPROVED,
            leave.returned_date,
        )
        for leave in LeaveRequest.objects.filter(
            person=person,
            from_date__gte=since,
            from_date__lte=on,
            status__in=[
                LeaveStatus.APPROVED,
                LeaveStatus.RETURNED,
                LeaveStatus.OVERDUE,
                LeaveStatus.UNAPPROVED,
            ],
        )
    ]
    times, days = rules.absences(leaves, on)
    return rules.BreachFacts(counts["refused"], counts["missed"], times, days)


def check_breach(actor, person: Person, *, on: datetime.date) -> rules.BreachOutcome | None:
    """Ask the rule whether the person under a community order has seriously breached the
    agreement; if so tell the responsible worker to report it to the police (条例第二十一条)
    and propose the escalation (禁毒法第三十八条第一款第（三）项) for a person to decide."""
    order = running_community_order(person, on)
    if order is None:
        return None
    outcome = rules.serious_breach(policy_for(order), breach_facts(person, order, on))
    if not outcome.serious:
        return outcome
    reasons = " ".join(r.message for r in outcome.reasons)
    raise_follow_up(
        actor,
        person,
        kind=FollowUpKind.SERIOUS_BREACH,
        key=f"breach:order:{order.pk}",
        reason=f"{outcome.message} {reasons}",
        basis=(*outcome.basis, *outcome.report_basis),
        order=order,
    )
    propose_escalation(
        actor,
        person,
        rules.EscalationFacts(serious_breach=True),
        key=f"escalation:order:{order.pk}:serious_breach",
        on=on,
        order=order,
    )
    return outcome
