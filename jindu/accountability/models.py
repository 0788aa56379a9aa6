"""Responsibilities around a listing (art. 21–28) and accountability (art. 29–33)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jindu.accounts.roles import Role
from jindu.core.models import Recorded
from jindu.core.scoping import ScopedQuerySet
from jindu.policy.registry import get_policy


class ActionKind(models.TextChoices):
    CRITICISM = "criticism", _("Circulated criticism")
    RECTIFICATION_ORDER = "rectification_order", _("Order to rectify")
    INTERVIEW = "interview", _("Interview")
    AWARD_INELIGIBILITY = "award_ineligibility", _("Ineligible for awards")
    PROMOTION_RESTRICTION = "promotion_restriction", _("No awards, promotion or key transfer")
    DISCIPLINE = "discipline", _("Discipline or organisational handling")
    PERIOD_EXTENSION = "period_extension", _("Extension of the period")
    DEMOTION_OR_DISMISSAL = "demotion_or_dismissal", _("Demotion or dismissal")
    ASSESSMENT_FAILURE = "assessment_failure", _("Accountability for a failed annual assessment")


class ActionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class ActionTrigger(models.TextChoices):
    LISTED = "listed", _("Listing")
    PERIOD_MISSED = "period_missed", _("Period ended without the goal met")
    EXTENSION_MISSED = "extension_missed", _("Extension ended without the goal met")
    ASSESSMENT_FAILED = "assessment_failed", _("Failed annual assessment")


class AccountabilityAction(models.Model):
    """A proposal the rules make (or a person records); it applies to nobody until an office
    user confirms it with a date, a document number and a reason."""

    kind = models.CharField(_("measure"), max_length=30, choices=ActionKind.choices)
    trigger = models.CharField(_("occasion"), max_length=30, choices=ActionTrigger.choices)
    # Identifies the occasion and the person (e.g. "designation:12:listed:position:7"), so the
    # daily check never proposes the same thing twice.
    trigger_key = models.CharField(max_length=120)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="accountability_actions",
    )
    position = models.ForeignKey(
        "orgs.Position",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accountability_actions",
    )
    designation = models.ForeignKey(
        "rectification.Designation",
        verbose_name=_("listing"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accountability_actions",
    )
    annual_assessment = models.ForeignKey(
        "AnnualAssessment", null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    city_listing = models.ForeignKey(
        "CityListing", null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    policy_id = models.CharField(_("policy"), max_length=60)
    basis = models.JSONField(_("basis"), default=list)
    reason = models.CharField(_("why proposed"), max_length=300, blank=True)
    effective_from = models.DateField(_("in force from"), null=True, blank=True)
    effective_to = models.DateField(_("in force until"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ActionStatus.choices,
        default=ActionStatus.PROPOSED,
        db_index=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_no = models.CharField(_("document number"), max_length=80, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    # A confirmed extension (art. 31) is carried out by the committee's decision on the
    # listing; this links the measure to that decision.
    listing_decision = models.ForeignKey(
        "rectification.Decision",
        verbose_name=_("listing decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accountability_actions",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    scope_unit_field = "org_unit"
    # Named actions (jindu.core.permissions): the office alone decides a proposal; whoever
    # sees a confirmed interview may download its notice. A measure is never edited.
    scope_actions = {"change": (), "decide": (), "notice": tuple(Role)}

    class Meta:
        verbose_name = _("accountability measure")
        verbose_name_plural = _("accountability measures")
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "trigger_key"], name="one_proposal_per_occasion"
            ),
        ]

    def __str__(self) -> str:
        who = self.position.holder_name if self.position_id else self.org_unit.name
        return f"{self.get_kind_display()} · {who}"

    @property
    def awaiting_decision(self) -> bool:
        return self.status == ActionStatus.PROPOSED

    def allows_action(self, action: str) -> bool:
        """What the measure's state allows (the service refuses the rest)."""
        return {
            "change": False,
            "decide": self.status == ActionStatus.PROPOSED,
            "notice": self.kind == ActionKind.INTERVIEW and self.status == ActionStatus.CONFIRMED,
        }.get(action, True)

    @property
    def policy(self):
        return get_policy(self.policy_id)


class AnnualAssessmentResult(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


class AnnualAssessment(Recorded):
    """A township's or member unit's annual drug-control assessment result (art. 32)."""

    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="annual_assessments",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    result = models.CharField(_("result"), max_length=10, choices=AnnualAssessmentResult.choices)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = ScopedQuerySet.as_manager()

    scope_unit_field = "org_unit"

    class Meta:
        verbose_name = _("annual assessment")
        verbose_name_plural = _("annual assessments")
        ordering = ["-year", "org_unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit", "year"], name="one_annual_assessment_per_unit_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.org_unit} {self.get_result_display()}"


class AssistanceAssignment(models.Model):
    """A member unit assigned to help a listed township (分工负责、对口帮扶、包干督导, art. 21)."""

    designation = models.ForeignKey(
        "rectification.Designation",
        verbose_name=_("listing"),
        on_delete=models.PROTECT,
        related_name="assistance",
    )
    member_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("member unit"),
        on_delete=models.PROTECT,
        related_name="assistance_given",
    )
    role = models.CharField(_("role"), max_length=20)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    # Seen by the township helped and by the member unit helping.
    scope_unit_fields = ("designation__org_unit", "member_unit")

    class Meta:
        verbose_name = _("assistance assignment")
        verbose_name_plural = _("assistance assignments")
        ordering = ["designation", "role", "member_unit__code"]

    def __str__(self) -> str:
        return f"{self.member_unit} → {self.designation.org_unit}"

    def role_name(self) -> str:
        roles = {r.code: r.name for r in self.designation.policy.assistance_roles}
        return roles.get(self.role, self.role)


class SupportVisit(Recorded):
    assignment = models.ForeignKey(
        AssistanceAssignment, on_delete=models.PROTECT, related_name="visits"
    )
    date = models.DateField(_("date"))
    participants = models.CharField(_("participants"), max_length=300, blank=True)
    content = models.TextField(_("what was done"))

    objects = ScopedQuerySet.as_manager()

    scope_unit_fields = ("assignment__designation__org_unit", "assignment__member_unit")
    scope_actions = {"change": (Role.MEMBER_UNIT,)}

    class Meta:
        verbose_name = _("support visit")
        verbose_name_plural = _("support visits")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date} {self.assignment}"


class Inspection(Recorded):
    """The office's inspection of a listed area (at least once a year, art. 21)."""

    designation = models.ForeignKey(
        "rectification.Designation",
        verbose_name=_("listing"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    date = models.DateField(_("date"))
    inspectors = models.CharField(_("inspectors"), max_length=300)
    member_units = models.ManyToManyField(
        "orgs.OrgUnit",
        verbose_name=_("member units taking part"),
        blank=True,
        related_name="inspections_joined",
    )
    findings = models.TextField(_("findings"))

    objects = ScopedQuerySet.as_manager()

    scope_unit_field = "designation__org_unit"

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date} {self.designation.org_unit}"


class FollowUpItem(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="follow_ups")
    text = models.CharField(_("item"), max_length=300)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("follow-up item")
        verbose_name_plural = _("follow-up items")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text


class DutyRecord(models.Model):
    """The office's finding on one duty of a township (art. 22, 25–27); history is kept,
    the latest finding counts."""

    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("township"),
        on_delete=models.PROTECT,
        related_name="duty_records",
    )
    duty = models.CharField(_("duty"), max_length=40)
    met = models.BooleanField(_("in place"))
    note = models.CharField(_("evidence or remark"), max_length=300, blank=True)
    checked_on = models.DateField(_("checked on"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    scope_unit_field = "org_unit"

    class Meta:
        verbose_name = _("duty record")
        verbose_name_plural = _("duty records")
        ordering = ["-checked_on", "-id"]

    def __str__(self) -> str:
        return f"{self.org_unit} {self.duty}"


class CityListing(Recorded):
    """The city committee's listing of a township (市禁毒委 重点整治、重点督办、重点关注): a fact
    the county records from the city's document; it counts where the Measures and the Plan name
    it (第二十四、三十条, 方案四（五）)."""

    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("township"),
        on_delete=models.PROTECT,
        related_name="city_listings",
    )
    policy_id = models.CharField(_("policy"), max_length=60)
    level = models.CharField(_("city level"), max_length=40)
    document_no = models.CharField(_("document number"), max_length=80)
    date = models.DateField(_("listed on"))
    end_date = models.DateField(_("ended on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = ScopedQuerySet.as_manager()

    scope_unit_field = "org_unit"

    class Meta:
        verbose_name = _("city listing")
        verbose_name_plural = _("city listings")
        ordering = ["-date", "org_unit__path"]

    def __str__(self) -> str:
        return f"{self.org_unit} · {self.level_name()}"

    def level_name(self) -> str:
        level = get_policy(self.policy_id).city_level(self.level)
        return level.name if level else self.level

    def active_on(self, day) -> bool:
        return self.date <= day and (self.end_date is None or self.end_date >= day)
