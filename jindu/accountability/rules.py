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
    once_per_listing: bool = False


def _cite(consequence) -> str:
    return f"{consequence.article}{consequence.clause}"


def _responsible_on(policy: Policy, tenures, day: datetime.date) -> list[Tenure]:
    roles = policy.responsibilities.responsible_roles
    return [t for t in tenures if t.role in roles and t.holds_on(day)]


def _held_long_enough(tenure: Tenure, listed_on: datetime.date, months: int) -> bool:
    """Had held the post ``months`` or more (两年以上（含两年）) before the listing date."""
    return tenure.start_date <= add_months(listed_on, -months)


def _applies(consequence, when: str, level: str, unit_level: str) -> bool:
    """A consequence applies to its occasion, its listing levels and its unit levels only
    (art. 29–31 name 乡镇（园区）; a village listing carries what the rule book gives it)."""
    return (
        consequence.when == when
        and level in consequence.levels
        and unit_level in consequence.unit_levels
    )


def listing_proposals(
    policy: Policy,
    *,
    level: str,
    listed_on: datetime.date,
    tenures: list[Tenure],
    unit_level: str = "township",
) -> list[Proposal]:
    """What a listing brings (art. 29, 30): proposals for the unit and its responsible persons."""
    proposals: list[Proposal] = []
    persons = _responsible_on(policy, tenures, listed_on)
    for consequence in policy.consequences:
        if not _applies(consequence, LISTED, level, unit_level):
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


def city_listing_proposals(
    policy: Policy,
    *,
    city_level: str,
    listed_on: datetime.date,
    tenures: list[Tenure],
    unit_level: str = "township",
) -> list[Proposal]:
    """What the city committee's listing brings where the Measures name it (第三十条: 被列为
    市、县禁毒委员会禁毒重点整治的乡镇): the consequences of the county level it stands for,
    limited to the articles the rule book names for it."""
    city = policy.city_level(city_level)
    if city is None or not city.as_level or not city.consequence_articles:
        return []
    return [
        p
        for p in listing_proposals(
            policy, level=city.as_level, listed_on=listed_on, tenures=tenures, unit_level=unit_level
        )
        if any(b.startswith(a) for b in p.basis for a in city.consequence_articles)
    ]


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
    unit_level: str = "township",
) -> list[Proposal]:
    """What missing a deadline brings (art. 31), for the persons responsible at the due date.
    A consequence marked ``once_per_listing`` says so on the proposal: the caller records it
    once per listing and person, however many deadlines pass (continuations)."""
    proposals: list[Proposal] = []
    persons = _responsible_on(policy, tenures, due_date)
    for consequence in policy.consequences:
        if not _applies(consequence, trigger, level, unit_level):
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
                    once_per_listing=consequence.once_per_listing,
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
                    once_per_listing=consequence.once_per_listing,
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
    ended_on: datetime.date | None = None  # the decision that took the listing off the level


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
        if r.ended_on and on >= r.ended_on:
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


def level_left_on(
    levels, since: datetime.date | None, decisions: list[tuple[datetime.date, str, str]]
) -> datetime.date | None:
    """The date of the first decision from ``since`` on that left the listing at none of
    ``levels`` (lowered below them, or lifted); ``decisions`` are (date, level, status) as
    each decision left the listing, in order. None while it stays at one of them."""
    for day, level, status in decisions:
        if since and day < since:
            continue
        if status != "active" or level not in levels:
            return day
    return None


def same_holder(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """Whether two tenures are held by the same person, as far as the positions register
    knows them: the same name and, where both tenures record an e-mail address, the same one
    (the register keeps no other identifier). A restriction on a person (art. 30（二）)
    follows them to whatever post they hold later."""
    name_a, email_a = (a[0] or "").strip(), (a[1] or "").strip().lower()
    name_b, email_b = (b[0] or "").strip(), (b[1] or "").strip().lower()
    if not name_a or name_a != name_b:
        return False
    return not (email_a and email_b and email_a != email_b)


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
    active_listings: dict[int, datetime.date], inspected, year: int, per_year: int = 1
) -> list[int]:
    """Listings active in ``year`` with fewer than ``per_year`` inspections that year
    (art. 21: 每年至少进行一次; the number is the rule book's ``inspections_per_year``).
    ``inspected`` maps listing ids to that year's count (a set counts each once)."""
    counts = inspected if isinstance(inspected, dict) else dict.fromkeys(inspected, 1)
    return sorted(
        pk
        for pk, listed_on in active_listings.items()
        if listed_on.year <= year and counts.get(pk, 0) < per_year
    )
