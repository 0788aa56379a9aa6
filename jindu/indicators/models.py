"""The cockpit's stored figures: precomputed aggregates, warning levels with their
contributions and the proposals they raised, and briefings frozen at issue."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jindu.core.scoping import ScopedQuerySet


class Aggregate(models.Model):
    """One target's figure for one unit's subtree and one period (a month ``2026-03`` or a
    year-to-date ``2026-03:ytd``), as of ``as_of``. A system-wide cache of the areas' own
    selectors: it is refreshed by ``refresh_aggregates`` and ``rebuild_indicators``."""

    org_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+"
    )
    period = models.CharField(_("period"), max_length=20)
    code = models.CharField(_("indicator"), max_length=60)
    numerator = models.FloatField(_("numerator"), null=True)
    denominator = models.FloatField(_("denominator"), null=True)
    value = models.FloatField(_("value"), null=True)
    met = models.BooleanField(_("met"), null=True)
    policy_id = models.CharField(_("policy"), max_length=60)
    as_of = models.DateTimeField(_("as of"))

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "org_unit"
    scope_actions = {"change": ()}

    class Meta:
        verbose_name = _("precomputed figure")
        verbose_name_plural = _("precomputed figures")
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit", "period", "code"], name="one_aggregate_per_unit_period_code"
            )
        ]
        indexes = [models.Index(fields=["code", "period"])]

    def __str__(self) -> str:
        return f"{self.org_unit_id} {self.period} {self.code}"


class RefreshMark(models.Model):
    """How far the incremental refresh has read the audit trail: every change to the areas'
    records is an audit row in the same transaction, so the rows after ``last_event_id`` are
    exactly the changes the precomputed figures have not seen yet."""

    name = models.CharField(max_length=40, unique=True)
    last_event_id = models.BigIntegerField(default=0)
    refreshed_at = models.DateTimeField(_("refreshed at"), null=True)

    class Meta:
        verbose_name = _("refresh mark")
        verbose_name_plural = _("refresh marks")

    def __str__(self) -> str:
        return f"{self.name} {self.last_event_id}"


class WarningRecord(models.Model):
    """A township's warning level for a month (办法第四条), with every indicator's
    contribution, computed under the rule book ``policy_id``."""

    org_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("township"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("month"), max_length=7)
    score = models.FloatField(_("warning score"))
    level = models.CharField(_("level"), max_length=20, blank=True)
    vetoed = models.BooleanField(_("raised by public satisfaction"), default=False)
    contributions = models.JSONField(_("contributions"), default=list)
    basis = models.JSONField(_("basis"), default=list)
    policy_id = models.CharField(_("policy"), max_length=60)
    computed_at = models.DateTimeField(_("computed at"))

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "org_unit"
    scope_actions = {"change": ()}

    class Meta:
        verbose_name = _("warning level")
        verbose_name_plural = _("warning levels")
        ordering = ["-period", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "period"], name="one_warning_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.org_unit} {self.period} {self.level or '—'}"


class ActionKind(models.TextChoices):
    NOTICE = "notice", _("Warning notice to the township")
    INTERVIEW_PROPOSAL = "interview_proposal", _("Proposal of a briefing-and-interview (通报约谈)")
    LISTING_CANDIDATE = "listing_candidate", _("Candidate for the office's listing proposal")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Waiting for a decision")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Taken up")
    DISMISSED = "dismissed", _("Not taken up")


class WarningAction(models.Model):
    """What a warning level raised. A notice is sent; a proposal waits for a person to decide
    (办法第四条 通报约谈; 第十六条: the office may propose a listing — the warning never lists)."""

    warning = models.ForeignKey(WarningRecord, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(_("kind"), max_length=30, choices=ActionKind.choices)
    status = models.CharField(_("status"), max_length=20, choices=ActionStatus.choices)
    basis = models.JSONField(_("basis"), default=list)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "warning__org_unit"
    scope_actions = {"change": ()}

    class Meta:
        verbose_name = _("warning action")
        verbose_name_plural = _("warning actions")
        constraints = [
            models.UniqueConstraint(fields=["warning", "kind"], name="one_action_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.warning} {self.kind}"


class BriefingKind(models.TextChoices):
    MONTHLY_SUMMARY = "monthly_summary", _("Monthly summary (情况综合)")
    QUARTERLY_SITUATION = "quarterly_situation", _("Quarterly drug situation briefing (毒情通报)")
    COMMITTEE_BRIEFING = "committee_briefing", _("Briefing to the county party committee")


class Briefing(models.Model):
    """A briefing (通报) frozen at issue: the Word file is stored with its number, date,
    issuer and SHA-256, and never regenerated."""

    kind = models.CharField(_("kind"), max_length=30, choices=BriefingKind.choices)
    period = models.CharField(_("period"), max_length=10)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("document number"), max_length=60, unique=True)
    issued_on = models.DateField(_("issued on"))
    issuer = models.CharField(_("issuer"), max_length=100)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    document = models.FileField(_("document"), upload_to="briefings/%Y/")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    figures = models.JSONField(_("figures"), default=dict)
    policy_id = models.CharField(_("policy"), max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "org_unit"
    scope_actions = {"change": ()}

    class Meta:
        verbose_name = _("briefing")
        verbose_name_plural = _("briefings")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period", "org_unit"], name="one_briefing_per_kind_period_unit"
            )
        ]

    def __str__(self) -> str:
        return self.number
