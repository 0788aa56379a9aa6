"""Articles 21–33 as pure functions: who is proposed for what, and who may be awarded or
promoted. Facts in, proposals and answers out, each with its article. Nothing here applies
anything to a person: every proposal waits for a human decision (services)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from jindu.policy.periods import add_months
from jindu.policy.schema import Policy

LISTED, PERIOD_MISSED, EXTENSION_MISSED = "listed", "period_missed", "extension_missed"


@dataclass(frozen=True)
class Tenure:
    """A holder's tenure in a responsible role of the listed unit (from the positions register)."""

    position_id: int
    role: str
    holder_name: str
    start_date: datetime.date
    end_date: datetime.date | None = None

    def holds_on(self, day: datetime.date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


@dataclass(frozen=True)
class Proposal:
    kind: str
    name: str
    trigger: str
    basis: tuple[str, ...]
    reason: str
    position_id: int | None = None
    effective_from: datetime.date | None = None
    effective_to: datetime.date | None = None


def _cite(consequence) -> str:
    return f"{consequence.article}{consequence.clause}"


def _responsible_on(policy: Policy, tenures, day: datetime.date) -> list[Tenure]:
    roles = policy.responsibilities.responsible_roles
    return [t for t in tenures if t.role in roles and t.holds_on(day)]


def _held_long_enough(tenure: Tenure, listed_on: datetime.date, months: int) -> bool:
    """Had held the post ``months`` or more (两年以上（含两年）) before the listing date."""
    return tenure.start_date <= add_months(listed_on, -months)


def listing_proposals(
    policy: Policy, *, level: str, listed_on: datetime.date, tenures: list[Tenure]
) -> list[Proposal]:
    """What a listing brings (art. 29, 30): proposals for the unit and its responsible persons."""
    proposals: list[Proposal] = []
    persons = _responsible_on(policy, tenures, listed_on)
    for consequence in policy.consequences:
        if consequence.when != LISTED or level not in consequence.levels:
            continue
        basis = (_cite(consequence),)
        if consequence.target == "unit":
            until = None
            if consequence.scope == "listing_year":
                until = datetime.date(listed_on.year, 12, 31)
            proposals.append(
                Proposal(
                    consequence.kind,
                    consequence.name,
                    LISTED,
                    basis,
                    _("Listed on %(date)s.") % {"date": listed_on},
                    effective_from=listed_on,
                    effective_to=until,
                )
            )
            continue
        for tenure in persons:
            if consequence.min_tenure_months_before_listing and not _held_long_enough(
                tenure, listed_on, consequence.min_tenure_months_before_listing
            ):
                continue
            reason = _("%(name)s has held the post since %(start)s.") % {
                "name": tenure.holder_name,
                "start": tenure.start_date,
            }
            proposals.append(
                Proposal(
                    consequence.kind,
                    consequence.name,
                    LISTED,
                    basis,
                    reason,
                    position_id=tenure.position_id,
                    effective_from=listed_on,
                )
            )
    return proposals


def missed_deadline(
    policy: Policy,
    *,
    level: str,
    extensions_used: int,
    due_date: datetime.date,
    today: datetime.date,
) -> str | None:
    """Which deadline a still-active listing has missed on ``today``, if any (art. 31):
    the first period, or an extension."""
    if today <= due_date:
        return None
    return EXTENSION_MISSED if extensions_used > 0 else PERIOD_MISSED


def deadline_proposals(
    policy: Policy,
    *,
    trigger: str,
    level: str,
    listed_on: datetime.date,
    due_date: datetime.date,
    tenures: list[Tenure],
) -> list[Proposal]:
    """What missing a deadline brings (art. 31), for the persons responsible at the due date."""
    proposals: list[Proposal] = []
    persons = _responsible_on(policy, tenures, due_date)
    for consequence in policy.consequences:
        if consequence.when != trigger or level not in consequence.levels:
            continue
        basis = (_cite(consequence),)
        reason = _("The period ended on %(date)s without the goal met.") % {"date": due_date}
        if consequence.target == "unit":
            proposals.append(
                Proposal(
                    consequence.kind,
                    consequence.name,
                    trigger,
                    basis,
                    reason,
                    effective_from=due_date,
                )
            )
            continue
        for tenure in persons:
            months = consequence.only_if_tenure_months_before_listing
            if months and not _held_long_enough(tenure, listed_on, months):
                continue
            proposals.append(
                Proposal(
                    consequence.kind,
                    consequence.name,
                    trigger,
                    basis,
                    f"{reason} {tenure.holder_name}",
                    position_id=tenure.position_id,
                    effective_from=due_date,
                )
            )
    return proposals


# ---------------------------------------------------------------- eligibility (art. 30)


@dataclass(frozen=True)
class Restriction:
    """A recorded consequence that bears on awards or promotion."""

    kind: str  # award_ineligibility | promotion_restriction | discipline | demotion_or_dismissal
    status: str  # proposed | confirmed | rejected
    basis: tuple[str, ...]
    text: str
    effective_from: datetime.date | None
    effective_to: datetime.date | None
    still_listed: bool = True  # for while-listed restrictions: the listing is still active


@dataclass(frozen=True)
class Eligibility:
    award: bool
    promotion: bool
    reasons: tuple[tuple[str, tuple[str, ...]], ...]


AWARD_KINDS = {"award_ineligibility", "promotion_restriction"}
PROMOTION_KINDS = {"promotion_restriction", "demotion_or_dismissal"}


def eligibility(on: datetime.date, restrictions: list[Restriction]) -> Eligibility:
    """May a unit or person be awarded / promoted on ``on``? Every restriction in force is a
    reason; a rejected proposal is none."""
    award, promotion, reasons = True, True, []
    for r in restrictions:
        if r.status == "rejected":
            continue
        if r.effective_from and on < r.effective_from:
            continue
        if r.effective_to and on > r.effective_to:
            continue
        if r.kind == "promotion_restriction" and not r.still_listed:
            continue
        affected = False
        if r.kind in AWARD_KINDS:
            award = False
            affected = True
        if r.kind in PROMOTION_KINDS:
            promotion = False
            affected = True
        if affected:
            status = _("proposed, awaiting decision") if r.status == "proposed" else _("confirmed")
            reasons.append((f"{r.text}（{status}）", r.basis))
    return Eligibility(award, promotion, tuple(reasons))


# ---------------------------------------------------------------- duties (art. 22, 24–27)


@dataclass(frozen=True)
class DutyState:
    code: str
    name: str
    article: str
    met: bool | None  # None: nothing recorded yet
    detail: str
    derived: bool  # from the positions register rather than a record


def director_is_principal(duty, tenures: list[Tenure], on: datetime.date) -> DutyState:
    """Art. 24: the township committee's director is the party committee's principal leader —
    the same person holds both roles today."""
    directors = [t for t in tenures if t.role == duty.director_role and t.holds_on(on)]
    principals = [t for t in tenures if t.role == duty.principal_role and t.holds_on(on)]
    if not directors or not principals:
        return DutyState(
            duty.code,
            duty.name,
            duty.article,
            False,
            _("The positions register lacks a current holder of both posts."),
            True,
        )
    same = {t.holder_name for t in directors} & {t.holder_name for t in principals}
    if same:
        return DutyState(
            duty.code,
            duty.name,
            duty.article,
            True,
            _("%(name)s holds both posts.") % {"name": sorted(same)[0]},
            True,
        )
    return DutyState(
        duty.code,
        duty.name,
        duty.article,
        False,
        _("The director is %(director)s, the principal leader %(principal)s.")
        % {"director": directors[0].holder_name, "principal": principals[0].holder_name},
        True,
    )


def duty_checklist(
    policy: Policy,
    *,
    tenures: list[Tenure],
    records: dict[str, tuple[bool, str]],
    on: datetime.date,
) -> list[DutyState]:
    """Every duty of a listed township, met or not; ``records`` maps duty codes to the latest
    (met, note) the office verified."""
    states = []
    for duty in policy.township_duties:
        if duty.check == "positions":
            states.append(director_is_principal(duty, tenures, on))
        else:
            met, note = records.get(duty.code, (None, ""))
            states.append(DutyState(duty.code, duty.name, duty.article, met, note, False))
    return states


def not_inspected(
    active_listings: dict[int, datetime.date], inspected: set[int], year: int
) -> list[int]:
    """Listings active in ``year`` without an inspection that year (art. 21)."""
    return sorted(
        pk
        for pk, listed_on in active_listings.items()
        if listed_on.year <= year and pk not in inspected
    )
