"""Follow-ups: what a rule asks the responsible worker to do (after a positive, refused or
missed test, a serious breach, a late report, an expiry, three clean years), raised once per
occasion (``trigger_key``) and closed by a person; proposals of escalation (禁毒法第三十八条)
wait for a person to decide. Also the three clean years of 条例第七条.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from jindu.core.errors import Conflict, Refused

from .. import rules
from ..models import (
    ControlOrder,
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    Person,
    UrineTest,
)
from ..policy import control_policy
from ..selectors import abstinence_of
from .common import (
    audit_create,
    audit_update,
    may_view_person,
    not_in_future,
    require_person_change,
    snapshot,
    today,
)

# ---------------------------------------------------------------- follow-ups


def raise_follow_up(
    actor,
    person: Person,
    *,
    kind: str,
    key: str,
    reason: str,
    basis=(),
    proposal: dict | None = None,
    test: UrineTest | None = None,
    order: ControlOrder | None = None,
    due_date: datetime.date | None = None,
) -> FollowUp | None:
    """Raise a follow-up once per occasion; a second call with the same key does nothing."""
    if FollowUp.objects.filter(trigger_key=key).exists():
        return None
    try:
        with transaction.atomic():
            follow_up = FollowUp.objects.create(
                person=person,
                kind=kind,
                trigger_key=key,
                reason=reason,
                basis=list(dict.fromkeys(b for b in basis if b)),
                proposal=proposal or {},
                test=test,
                order=order,
                due_date=due_date,
            )
    except IntegrityError:
        return None
    audit_create(actor, follow_up)
    _notify(follow_up)
    return follow_up


def _notify(follow_up: FollowUp) -> int:
    """Tell who must act: the responsible worker with an account, and the staff of the
    person's township. The text names no one (e-mail leaves the system; 条例第七条 keeps the
    file confidential): the link leads to the file, which asks for a reason to open it."""
    from django.urls import reverse

    from jindu.accounts.models import User
    from jindu.accounts.roles import Role
    from jindu.supervision.reminders import notify

    person = follow_up.person
    township = person.residence_unit.township()
    on = today()
    users = set(
        User.objects.filter(
            Q(control_assignments__end_date__isnull=True)
            | Q(control_assignments__end_date__gte=on),
            is_active=True,
            control_assignments__person=person,
            control_assignments__start_date__lte=on,
        )
    )
    if township is not None:
        users |= set(User.objects.filter(is_active=True, unit=township, role=Role.TOWNSHIP))
    # Only those who may open the file hear of it (an account assigned before a move, say).
    users = {u for u in users if may_view_person(u, person.pk)}
    text = _("A follow-up is due in %(township)s: %(kind)s.") % {
        "township": township.name if township else person.residence_unit.name,
        "kind": follow_up.get_kind_display(),
    }
    return notify(
        sorted(users, key=lambda u: u.pk),
        kind="follow_up",
        key=f"control-follow-up:{follow_up.pk}",
        text=text,
        url=reverse("control:person_detail", args=[person.pk]),
    )


@transaction.atomic
def close_follow_up(actor, follow_up: FollowUp, *, outcome: str, dismiss: bool = False) -> FollowUp:
    """The worker records what was done (e.g. reported to the police on a date), or a person
    rejects a proposal (``dismiss``)."""
    require_person_change(actor, follow_up.person)
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.status != FollowUpStatus.OPEN:
        raise Refused(_("This follow-up is already closed."))
    if not outcome.strip():
        raise Refused(_("Say what was done."), field="outcome")
    before = snapshot(follow_up)
    follow_up.status = FollowUpStatus.DISMISSED if dismiss else FollowUpStatus.DONE
    follow_up.outcome = outcome.strip()
    follow_up.closed_by = actor
    follow_up.closed_on = today()
    follow_up.save()
    audit_update(actor, follow_up, before)
    return follow_up


def _proposal_data(proposal: rules.Proposal) -> dict:
    data = {"to_kind": proposal.to_kind, "grounds": list(proposal.grounds)}
    if proposal.exemption is not None and proposal.exemption.state != rules.APPLICABLE:
        data["exemption"] = proposal.exemption.state
    return data


def propose_escalation(actor, person: Person, facts: rules.EscalationFacts, *, key, on, order=None):
    """禁毒法第三十八条: offer the escalation as a proposal for a person to decide."""
    policy = control_policy()
    exemption = rules.isolation_exemption(
        policy, gender=person.gender, birth_date=person.birth_date, on=on
    )
    proposal = rules.escalation_proposal(policy, facts, exemption)
    if proposal is None:
        return None
    return raise_follow_up(
        actor,
        person,
        kind=FollowUpKind.ESCALATION,
        key=key,
        reason=proposal.message,
        basis=proposal.basis,
        proposal=_proposal_data(proposal),
        order=order,
    )


# ---------------------------------------------------------------- three clean years (条例第七条)


@transaction.atomic
def review_abstinence(actor, person: Person, *, on: datetime.date) -> FollowUp | None:
    """Derive 戒断三年未复吸 from the record; if reached, ask a person to confirm."""
    if person.left_control_on:
        return None
    outcome = abstinence_of(person, on)
    if not outcome.eligible:
        return None
    return raise_follow_up(
        actor,
        person,
        kind=FollowUpKind.ABSTINENCE,
        key=f"abstinence:{person.pk}:{outcome.clean_from.isoformat()}",
        reason=outcome.message,
        basis=outcome.basis,
        due_date=outcome.eligible_on,
    )


def review_all_abstinence(actor, on: datetime.date) -> int:
    """The daily look for people whose measures ended three years ago or more and who may
    have reached 戒断三年未复吸; each is put to a person to confirm, once."""
    # A cheap pre-filter (a month is at least 28 days); the rule itself decides exactly.
    cutoff = on - datetime.timedelta(days=28 * control_policy().clean_months)
    candidates = Person.objects.filter(
        left_control_on__isnull=True, orders__end_date__lte=cutoff
    ).distinct()
    raised = 0
    for person in candidates.iterator():
        if review_abstinence(actor, person, on=on) is not None:
            raised += 1
    return raised


@transaction.atomic
def confirm_abstinence(actor, person: Person, *, date: datetime.date) -> Person:
    """A person confirms the three clean years: the person leaves dynamic control."""
    require_person_change(actor, person)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.left_control_on:
        raise Refused(_("Already confirmed."))
    not_in_future(date, "date")
    outcome = abstinence_of(person, date)
    if not outcome.eligible:
        raise Conflict(outcome.message, basis=outcome.basis)
    before = snapshot(person)
    person.left_control_on = date
    person.save(update_fields=["left_control_on", "updated_at"])
    audit_update(actor, person, before)
    for follow_up in FollowUp.objects.filter(
        person=person, kind=FollowUpKind.ABSTINENCE, status=FollowUpStatus.OPEN
    ):
        close_follow_up(actor, follow_up, outcome=_("Confirmed on %(date)s.") % {"date": date})
    return person
