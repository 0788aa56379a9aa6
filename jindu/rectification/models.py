"""Listings (挂牌整治) and everything that leads to and follows from them.

A designation is what its decisions add up to: decisions are append-only and are the only way
a listing changes (services.record_decision); the designation row keeps the resulting state so
that lists and filters are cheap.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jindu.accounts.roles import Role
from jindu.core.scoping import ScopedQuerySet
from jindu.policy.registry import get_policy

from . import rules

# Who takes a listing's actions besides the office (jindu.core.permissions): the committee's
# leaders record decisions (art. 16, 19); the listed township reports and applies.
DECIDERS = (Role.LEADER,)
TOWNSHIP_ROLES = (Role.TOWNSHIP,)


class DesignationStatus(models.TextChoices):
    ACTIVE = "active", _("Under rectification")
    LIFTED = "lifted", _("Lifted")


class DesignationSource(models.TextChoices):
    APPLICATION = "application", _("On application")
    OFFICE_PROPOSAL = "office_proposal", _("Proposed by the office")
    REBOUND = "rebound", _("Rebound after lifting")


class DecisionKind(models.TextChoices):
    LIST = "list", _("List")
    EXTEND = "extend", _("Extend the period")
    LOWER = "lower", _("Lower the level")
    LIFT = "lift", _("Lift the listing")
    CONTINUE = "continue", _("Continue the listing")


class ApplicationKind(models.TextChoices):
    LIST = "list", _("To be listed")
    LOWER = "lower", _("To lower the level")
    LIFT = "lift", _("To lift the listing")
    EXTEND = "extend", _("To extend the period")


class ApplicationSource(models.TextChoices):
    APPLICATION = "application", _("Application by the unit")
    OFFICE_PROPOSAL = "office_proposal", _("Proposal by the office")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    DECIDED = "decided", _("Decided")
    REJECTED = "rejected", _("Not adopted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class PolicyLabelsMixin:
    """Names of policy codes (level, categories) for display, from the record's own policy."""

    @property
    def policy(self):
        return get_policy(self.policy_id)

    def level_name(self) -> str:
        level = self.policy.level(self.level) if getattr(self, "level", "") else None
        return level.name if level else getattr(self, "level", "")

    def level_short_name(self) -> str:
        level = self.policy.level(self.level) if getattr(self, "level", "") else None
        return level.short_name if level else getattr(self, "level", "")

    def category_names(self) -> list[str]:
        return [
            (c.name if (c := self.policy.category(code)) else code)
            for code in (getattr(self, "categories", None) or [])
        ]


class Designation(PolicyLabelsMixin, models.Model):
    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="designations",
    )
    policy_id = models.CharField(_("policy"), max_length=60)
    level = models.CharField(_("level"), max_length=40)
    categories = models.JSONField(_("categories"), default=list)
    source = models.CharField(_("source"), max_length=20, choices=DesignationSource.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DesignationStatus.choices,
        default=DesignationStatus.ACTIVE,
        db_index=True,
    )
    listed_date = models.DateField(_("listed on"))
    period_start = models.DateField(_("current period from"))
    due_date = models.DateField(_("due date"))
    extensions_used = models.PositiveSmallIntegerField(_("extensions used"), default=0)
    continuations = models.PositiveSmallIntegerField(_("continuations"), default=0)
    lifted_date = models.DateField(_("lifted on"), null=True, blank=True)
    last_decision_date = models.DateField(_("last decision"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    scope_unit_field = "org_unit"
    # Named actions: a listing changes only through decisions (never edited); the office
    # assesses its conditions; the township reports its progress.
    scope_actions = {"change": (), "decide": DECIDERS, "assess": (), "report": TOWNSHIP_ROLES}

    class Meta:
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        ordering = ["-listed_date", "org_unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit"],
                condition=Q(status="active"),
                name="one_active_listing_per_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org_unit} · {self.level_short_name()}"

    def allows_action(self, action: str) -> bool:
        """What the listing's state allows: decisions, assessments and progress reports are
        for a listing under rectification; it is never edited."""
        if action == "change":
            return False
        if action in ("decide", "assess", "report"):
            return self.status == DesignationStatus.ACTIVE
        return True

    def as_listing(self) -> rules.Listing:
        return rules.Listing(
            level=self.level,
            categories=tuple(self.categories),
            source=self.source,
            status=self.status,
            listed_date=self.listed_date,
            period_start=self.period_start,
            due_date=self.due_date,
            extensions_used=self.extensions_used,
            continuations=self.continuations,
            last_decision_date=self.last_decision_date,
            lifted_date=self.lifted_date,
        )

    def apply(self, listing: rules.Listing) -> None:
        self.level = listing.level
        self.categories = list(listing.categories)
        self.source = listing.source
        self.status = listing.status
        self.listed_date = listing.listed_date
        self.period_start = listing.period_start
        self.due_date = listing.due_date
        self.extensions_used = listing.extensions_used
        self.continuations = listing.continuations
        self.last_decision_date = listing.last_decision_date
        self.lifted_date = listing.lifted_date

    def days_left(self, today: datetime.date | None = None) -> int | None:
        if self.status != DesignationStatus.ACTIVE:
            return None
        return (self.due_date - (today or timezone.localdate())).days

    @property
    def extensions_allowed(self) -> int:
        level = self.policy.level(self.level)
        return level.extensions_allowed if level else 0


class Application(PolicyLabelsMixin, models.Model):
    """A yearly application (art. 15, 18), an office proposal (art. 16), or a township's
    proposal of one of its villages (art. 12, 17)."""

    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("unit concerned"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    applicant_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="+"
    )
    policy_id = models.CharField(_("policy"), max_length=60)
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=10, choices=ApplicationKind.choices)
    source = models.CharField(
        _("source"),
        max_length=20,
        choices=ApplicationSource.choices,
        default=ApplicationSource.APPLICATION,
    )
    designation = models.ForeignKey(
        Designation,
        verbose_name=_("listing"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    level = models.CharField(_("level requested"), max_length=40, blank=True)
    categories = models.JSONField(_("categories"), default=list, blank=True)
    reasons = models.TextField(_("reasons"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
        db_index=True,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    scope_unit_field = "org_unit"
    # Named actions: a township applies (``change``: creating one) and withdraws its own; the
    # deciders decide on it or find it not adopted.
    scope_actions = {"change": TOWNSHIP_ROLES, "withdraw": TOWNSHIP_ROLES, "decide": DECIDERS}

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.year} {self.org_unit} {self.get_kind_display()}"

    @property
    def is_listing_request(self) -> bool:
        """An application (or proposal) to be listed, rather than to change a listing."""
        return self.kind == ApplicationKind.LIST

    def allows_action(self, action: str) -> bool:
        """A pending application is decided or withdrawn; it is never edited."""
        if action == "change":
            return False
        if action in ("decide", "withdraw"):
            return self.status == ApplicationStatus.SUBMITTED
        return True


class Assessment(models.Model):
    """Whether the six conditions of art. 14 are met for a listing, on a date."""

    designation = models.ForeignKey(
        Designation, verbose_name=_("listing"), on_delete=models.PROTECT, related_name="assessments"
    )
    date = models.DateField(_("date"))
    conditions = models.JSONField(_("conditions"), default=dict)
    all_met = models.BooleanField(_("all conditions met"))
    notes = models.TextField(_("notes"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    scope_unit_field = "designation__org_unit"

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.designation} {self.date}"


class ConditionFinding(models.Model):
    """The finding for one condition in an assessment, with the sub-points found met."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="findings")
    condition = models.CharField(_("condition"), max_length=40)
    met = models.BooleanField(_("met"))
    points_met = models.JSONField(_("sub-points met"), default=list, blank=True)
    findings = models.TextField(_("findings"), blank=True)

    class Meta:
        verbose_name = _("condition finding")
        verbose_name_plural = _("condition findings")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "condition"], name="one_finding_per_condition"
            )
        ]

    def __str__(self) -> str:
        return self.condition


class Evaluation(models.Model):
    """The office's yearly evaluation of a township (art. 5, 19)."""

    org_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="evaluations"
    )
    designation = models.ForeignKey(
        Designation,
        verbose_name=_("listing"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    policy_id = models.CharField(_("policy"), max_length=60)
    year = models.PositiveSmallIntegerField(_("year"))
    date = models.DateField(_("date"))
    methods = models.JSONField(_("methods"), default=list)
    member_units = models.ManyToManyField(
        "orgs.OrgUnit",
        verbose_name=_("member units taking part"),
        blank=True,
        related_name="evaluations_joined",
    )
    recorded = models.JSONField(_("scoresheet"), default=dict)
    objective_score = models.DecimalField(_("objective score"), max_digits=6, decimal_places=2)
    subjective_score = models.DecimalField(_("subjective score"), max_digits=6, decimal_places=2)
    total_score = models.DecimalField(_("total score"), max_digits=6, decimal_places=2)
    grade = models.CharField(_("grade"), max_length=20)
    vetoed_by = models.JSONField(_("vetoed by"), default=list, blank=True)
    satisfaction_respondents = models.PositiveIntegerField(_("survey respondents"), default=0)
    findings = models.TextField(_("findings"), blank=True)
    recommendation = models.CharField(_("recommendation"), max_length=40)
    assessment = models.OneToOneField(
        Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="evaluation"
    )
    baseline = models.ForeignKey(
        "self",
        verbose_name=_("baseline"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    scope_unit_field = "org_unit"

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-year", "org_unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit", "year"], name="one_evaluation_per_unit_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.org_unit}"

    @property
    def policy(self):
        return get_policy(self.policy_id)

    def grade_name(self) -> str:
        return next(
            (g.name for g in self.policy.evaluation.grades if g.code == self.grade), self.grade
        )

    def recommendation_name(self) -> str:
        return next(
            (
                r.name
                for r in self.policy.evaluation.recommendations
                if r.code == self.recommendation
            ),
            self.recommendation,
        )

    def method_names(self) -> list[str]:
        names = {m.code: m.name for m in self.policy.evaluation.methods}
        return [names.get(code, code) for code in self.methods]


class Decision(models.Model):
    """One decision of the committee on a listing. Append-only: the ledger of the listing."""

    designation = models.ForeignKey(
        Designation, verbose_name=_("listing"), on_delete=models.PROTECT, related_name="decisions"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=DecisionKind.choices)
    date = models.DateField(_("decision date"))
    decision_no = models.CharField(_("document number"), max_length=80)
    # Why the number's year differs from the decision's, confirmed by the office.
    number_exception = models.CharField(_("number exception"), max_length=300, blank=True)
    basis = models.JSONField(_("basis"), default=list)
    notes = models.TextField(_("notes"), blank=True)
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    state_after = models.JSONField(_("state after"), default=dict)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    scope_unit_field = "designation__org_unit"
    scope_actions = {"change": DECIDERS}

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.decision_no}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Decisions are append-only; record a new decision instead.")
        super().save(*args, **kwargs)

    def result_summary(self) -> str:
        """The listing as this decision left it, in words: 整治中 · 重点整治 · 2027-03-01."""
        state = self.state_after or {}
        level = get_policy(self.designation.policy_id).level(state.get("level", ""))
        status = DesignationStatus(state["status"]).label if state.get("status") else ""
        parts = [str(status), level.short_name if level else ""]
        if state.get("status") == DesignationStatus.ACTIVE:
            parts.append(str(_("due %(date)s") % {"date": state.get("due_date")}))
        return " · ".join(p for p in parts if p)


class ProgressReport(models.Model):
    """A listed unit's yearly progress report (art. 18), or its report at expiry."""

    designation = models.ForeignKey(
        Designation, verbose_name=_("listing"), on_delete=models.PROTECT, related_name="reports"
    )
    period = models.CharField(_("period"), max_length=20)
    is_final = models.BooleanField(_("report at expiry"), default=False)
    text = models.TextField(_("report"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    scope_unit_field = "designation__org_unit"
    scope_actions = {"change": TOWNSHIP_ROLES}

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.designation} {self.period}"
