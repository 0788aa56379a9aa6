"""Precursor chemicals and controlled medicines: the catalogue, enterprises and their
papers, the ledger (购销存台账), reconciliations, flags, annual reports and inspections.

Scoping (see ``PrecursorQuerySet``): an enterprise belongs to a township (``org_unit``) and
a police station (``station``); the member units that regulate it are found by the office's
table of which member unit is which department (``RegulatorUnit``) and the national rule
book's map of department → sectors. Every other record follows its enterprise.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jindu.core import crypto
from jindu.core.protected import ProtectedNumber
from jindu.core.roles import Role
from jindu.core.scoping import VIEW, ScopedQuerySet, is_office, scope_for

# The code lists live in codes.py (one declaration each, read by the rule-book schema too);
# re-exported here because the rest of the app names them as model vocabulary.
from .codes import (  # noqa: F401
    Activity,
    Category,
    Department,
    FlagRule,
    FlagStatus,
    LicenceKind,
    Movement,
    Payment,
    Sector,
    Source,
    Unit,
)

# ---------------------------------------------------------------- scoping


def regulated_sectors(user) -> tuple[str, ...]:
    """The sectors a member unit's staff regulate (the police: all of them)."""
    cached = getattr(user, "_jindu_precursor_sectors", None)
    if cached is not None:
        return cached
    from .policy import national_policy

    sectors: tuple[str, ...] = ()
    if getattr(user, "unit_id", None):
        departments = RegulatorUnit.objects.filter(unit_id=user.unit_id).values_list(
            "department", flat=True
        )
        law = national_policy()
        sectors = tuple(sorted({s for d in departments for s in law.sectors_of(d)}))
    user._jindu_precursor_sectors = sectors
    return sectors


class PrecursorQuerySet(ScopedQuerySet):
    """The core's path scoping (township and station), plus the member units that regulate
    the enterprise's sector: the police (公安局) all, 市场监管 pharmaceutical, 应急管理
    chemical, 卫健 medical. ``enterprise_lookup`` is how a record reaches its enterprise."""

    def restrict(self, user, action: str = VIEW):
        scope = scope_for(user)
        if not scope.may(action, self.model):
            return self.none()
        if scope.everything:
            return self
        condition = Q(pk__in=[])
        for field in ("org_unit", "station"):
            condition |= scope.path_q(f"{field}__path")
        if scope.role == Role.MEMBER_UNIT:
            sectors = regulated_sectors(user)
            if sectors:
                condition |= Q(sector__in=sectors)
        if not self.model.enterprise_lookup:
            return self.filter(condition)
        # A record reached through its enterprise: the enterprises in scope first. Given as
        # their ids, the planner knows how few rows they select; as the joined path patterns
        # it guessed a hundred times too many and walked the whole flag table in list order
        # (a station's deep page of flags: 160 ms → 30 ms at province scale).
        enterprises = Enterprise.objects.filter(condition)
        ids = list(enterprises.values_list("pk", flat=True)[: self.ENTERPRISE_IDS_UP_TO + 1])
        if len(ids) > self.ENTERPRISE_IDS_UP_TO:
            return self.filter(enterprise__in=enterprises.values("pk"))
        return self.filter(enterprise_id__in=ids)

    ENTERPRISE_IDS_UP_TO = 5_000


class CatalogueQuerySet(models.QuerySet):
    """The catalogue is the same for everyone who works in the system; only the office
    changes it."""

    def restrict(self, user, action: str = VIEW):
        scope = scope_for(user)
        if scope.is_empty:
            return self.none()
        if action != VIEW and not is_office(user):
            return self.none()
        return self


WRITE_ROLES = (Role.MEMBER_UNIT, Role.POLICE_STATION)


# ---------------------------------------------------------------- the catalogue


class Chemical(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    drug_class = models.BooleanField(_("drug class (药品类)"), default=False)
    cas = models.CharField(_("CAS number"), max_length=20, blank=True)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    listed_date = models.DateField(_("listed on"))
    delisted_date = models.DateField(_("delisted on"), null=True, blank=True)
    source_document = models.CharField(_("listed by"), max_length=200)
    verified = models.BooleanField(_("source checked"), default=True)
    band_lower = models.DecimalField(
        _("serious band from (kg)"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    band_upper = models.DecimalField(
        _("serious band to (kg)"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    band_item = models.CharField(_("band basis"), max_length=120, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    policy_id = models.CharField(_("rule book"), max_length=60, blank=True)
    edited = models.BooleanField(
        default=False,
        editable=False,
        help_text=_("Changed by the office: a later load of the rule book keeps it."),
    )

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = _("controlled substance")
        verbose_name_plural = _("controlled substances")
        ordering = ["category", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_precursor(self) -> bool:
        return self.category in ("1", "2", "3")


class RegulatorUnit(models.Model):
    """Which member unit is which department (the office's data): decides which enterprises
    a member unit's staff see, with the national rule book's department → sectors."""

    unit = models.OneToOneField(
        "orgs.OrgUnit",
        verbose_name=_("member unit"),
        on_delete=models.CASCADE,
        related_name="precursor_department",
        limit_choices_to={"kind": "member_unit"},
    )
    department = models.CharField(_("department"), max_length=30, choices=Department.choices)

    class Meta:
        verbose_name = _("regulating member unit")
        verbose_name_plural = _("regulating member units")

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_department_display()}"


# ---------------------------------------------------------------- enterprises and papers


class Enterprise(models.Model):
    name = models.CharField(_("name"), max_length=120)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("township"),
        on_delete=models.PROTECT,
        related_name="precursor_enterprises",
    )
    station = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("police station"),
        on_delete=models.PROTECT,
        related_name="precursor_enterprises_policed",
        null=True,
        blank=True,
    )
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    activities = models.JSONField(_("activities"), default=list)
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    registered_on = models.DateField(_("registered on"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PrecursorQuerySet.as_manager()

    enterprise_lookup = ""
    scope_unit_fields = ("org_unit", "station")
    scope_actions = {"change": WRITE_ROLES}

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["sector", "is_active"]),
            # The list's order: a page is the first rows of this index, not a sort of all.
            models.Index(fields=["name", "id"], name="enterprise_list_order"),
        ]

    def __str__(self) -> str:
        return self.name


class EnterpriseScoped(models.Model):
    objects = PrecursorQuerySet.as_manager()

    enterprise_lookup = "enterprise__"
    scope_unit_fields = ("enterprise__org_unit", "enterprise__station")
    scope_actions = {"change": WRITE_ROLES}

    class Meta:
        abstract = True


class ChemicalLicence(EnterpriseScoped):
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="licences"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=LicenceKind.choices)
    number = models.CharField(_("number"), max_length=60)
    issuer = models.CharField(_("issued by"), max_length=100, blank=True)
    chemicals = models.ManyToManyField(Chemical, verbose_name=_("substances"))
    annual_quantity = models.DecimalField(
        _("permitted quantity a year (each substance)"),
        max_digits=14,
        decimal_places=3,
        null=True,
        blank=True,
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    policy_id = models.CharField(_("rule book"), max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("licence or filing")
        verbose_name_plural = _("licences and filings")
        ordering = ["-valid_to", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="one_licence_per_number"),
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")), name="licence_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["enterprise", "kind", "valid_to"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


# ---------------------------------------------------------------- the ledger


class LedgerEntry(EnterpriseScoped):
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="ledger"
    )
    date = models.DateField(_("date"))
    chemical = models.ForeignKey(Chemical, verbose_name=_("substance"), on_delete=models.PROTECT)
    movement = models.CharField(_("movement"), max_length=20, choices=Movement.choices)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    counterparty = models.ForeignKey(
        Enterprise,
        verbose_name=_("counterparty"),
        on_delete=models.PROTECT,
        related_name="ledger_as_counterparty",
        null=True,
        blank=True,
    )
    counterparty_name = models.CharField(_("counterparty name"), max_length=120, blank=True)
    counterparty_licence = models.CharField(
        _("counterparty's licence or filing"), max_length=60, blank=True
    )
    document_no = models.CharField(_("document number"), max_length=60)
    payment = models.CharField(
        _("payment"), max_length=20, choices=Payment.choices, blank=True, default=""
    )
    stated_use = models.CharField(_("buyer's stated use"), max_length=200, blank=True)
    transport_licence = models.CharField(
        _("transport licence or filing"), max_length=60, blank=True
    )
    filed_on = models.DateField(_("filed with the police on"), null=True, blank=True)
    prescribed = models.BooleanField(_("on prescription"), default=False)
    buyer_id_hash = models.CharField(max_length=64, blank=True, editable=False)
    buyer_id_masked = models.CharField(_("buyer's identity number"), max_length=18, blank=True)
    source = models.CharField(_("entered by"), max_length=10, choices=Source.choices)
    policy_id = models.CharField(_("rule book"), max_length=60, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # Not copied into the audit trail: the keyed hash of a buyer's identity number.
    secret_fields = ("buyer_id_hash",)

    # The buyer's identity number is kept only as its keyed hash (to count a buyer's
    # purchases) and its mask: assigning ``buyer_id_number`` writes both; it cannot be read.
    buyer_id_number = ProtectedNumber(
        None, "buyer_id_hash", "buyer_id_masked", mask=crypto.mask_id_number
    )

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "document_no", "chemical", "movement"],
                name="one_ledger_line_per_document",
            ),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="ledger_quantity_positive"),
        ]
        indexes = [
            models.Index(fields=["enterprise", "chemical", "date"]),
            models.Index(fields=["date", "movement"]),
            models.Index(fields=["counterparty", "chemical", "date"]),
            models.Index(fields=["buyer_id_hash", "date"]),
            # The last count before a period, per pair: one backward step of an index-only
            # scan (date and id are the order; quantity rides along as a key column, since
            # SQLite has no INCLUDE).
            models.Index(
                fields=["enterprise", "chemical", "date", "id", "quantity"],
                condition=Q(movement="stock_count"),
                name="ledger_stock_counts_covering",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_movement_display()} {self.chemical_id} {self.quantity}"


class Reconciliation(EnterpriseScoped):
    """opening + in − out = expected; checked against the count (one enterprise × substance
    × period), written by the reconciliation run (set-based, idempotent)."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="reconciliations"
    )
    chemical = models.ForeignKey(Chemical, on_delete=models.PROTECT)
    period = models.CharField(_("period"), max_length=10)
    date_from = models.DateField()
    date_to = models.DateField()
    opening = models.DecimalField(max_digits=16, decimal_places=3)
    qty_in = models.DecimalField(max_digits=16, decimal_places=3)
    qty_out = models.DecimalField(max_digits=16, decimal_places=3)
    # Purchases alone (not transfers in): the unusual-purchase rule's monthly history.
    purchased = models.DecimalField(max_digits=16, decimal_places=3, default=0)
    expected_closing = models.DecimalField(max_digits=16, decimal_places=3)
    counted = models.DecimalField(max_digits=16, decimal_places=3, null=True)
    counted_on = models.DateField(null=True)
    difference = models.DecimalField(max_digits=16, decimal_places=3, null=True)
    reconciled = models.BooleanField(null=True)
    policy_id = models.CharField(max_length=60, blank=True)

    class Meta:
        verbose_name = _("reconciliation")
        verbose_name_plural = _("reconciliations")
        ordering = ["-period", "enterprise_id", "chemical_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "enterprise", "chemical"], name="one_reconciliation_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period} · {self.enterprise_id} · {self.chemical_id}"


class Flag(EnterpriseScoped):
    """A gap in the closed loop: raised by a rule (with its article), followed up by the
    station and the regulator, closed by a person with an outcome."""

    rule = models.CharField(_("rule"), max_length=30, choices=FlagRule.choices)
    basis = models.CharField(_("basis"), max_length=200)
    # The run inserts flags by the ten thousand: each index is written once per flag, so a
    # foreign key gets no index of its own where a composite one starts with it (enterprise)
    # or where only a rare delete of the other side would read it (substance, counterparty,
    # case, closer — those are PROTECT or SET_NULL on rows that are hardly ever deleted).
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="flags",
        db_index=False,
    )
    chemical = models.ForeignKey(
        Chemical,
        verbose_name=_("substance"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
    )
    period = models.CharField(_("period"), max_length=10)
    entry = models.ForeignKey(
        LedgerEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="flags"
    )
    counterparty = models.ForeignKey(
        Enterprise,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    amount = models.DecimalField(max_digits=16, decimal_places=3, null=True, blank=True)
    limit = models.DecimalField(max_digits=16, decimal_places=3, null=True, blank=True)
    ref_date = models.DateField(null=True, blank=True)
    # The occasion, so a rule that runs twice raises one flag (e.g. "late_filing:123"); unique
    # by a constraint (the run's ON CONFLICT arbiter), which unlike ``unique=True`` adds no
    # second, pattern-matching index on PostgreSQL that nothing reads.
    key = models.CharField(max_length=160)
    status = models.CharField(
        _("status"), max_length=10, choices=FlagStatus.choices, default=FlagStatus.OPEN
    )
    raised_on = models.DateField(_("raised on"))
    due_date = models.DateField(_("to be closed by"))
    raised_at = models.DateTimeField()
    outcome = models.CharField(_("outcome"), max_length=30, blank=True)
    note = models.TextField(_("note"), blank=True)
    case_reference = models.CharField(_("criminal case number"), max_length=60, blank=True)
    # The enforcement area's case a "criminal case opened" outcome led to (its number is
    # copied into ``case_reference`` for the list and the export).
    case = models.ForeignKey(
        "enforcement.Case",
        verbose_name=_("criminal case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="precursor_flags",
        db_index=False,
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    policy_id = models.CharField(_("rule book"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        ordering = ["-raised_on", "-id"]
        # The list's order, with and without the status filter, read from an index (no
        # sort of every open flag for one page).
        constraints = [models.UniqueConstraint(fields=["key"], name="one_flag_per_occasion")]
        indexes = [
            models.Index(fields=["status", "raised_on", "id"]),
            models.Index(fields=["enterprise", "status"]),
            models.Index(fields=["raised_on", "id"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} · {self.enterprise_id} · {self.period}"

    @property
    def is_open(self) -> bool:
        """Still to be closed (``services.close_flag`` closes an open flag only)."""
        return self.status == FlagStatus.OPEN


class AnnualReport(EnterpriseScoped):
    """易制毒条例第三十六条: last year's activity, reported by 31 March."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="annual_reports"
    )
    year = models.PositiveIntegerField(_("year"))
    submitted_on = models.DateField(_("submitted on"))
    summary = models.TextField(_("summary"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="one_annual_report")
        ]

    def __str__(self) -> str:
        return f"{self.year} · {self.enterprise_id}"


class InspectionRound(models.Model):
    """A round of inspections that must reach every registered enterprise in its period (the
    census, 全面摸底)."""

    name = models.CharField(_("name"), max_length=120)
    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("to"))
    is_census = models.BooleanField(_("census"), default=True)

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection round")
        verbose_name_plural = _("inspection rounds")
        ordering = ["-date_from"]

    def __str__(self) -> str:
        return self.name


class ChemicalInspection(EnterpriseScoped):
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    round = models.ForeignKey(
        InspectionRound,
        verbose_name=_("round"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
    )
    date = models.DateField(_("date"))
    departments = models.JSONField(_("departments"), default=list)
    inspectors = models.CharField(_("inspectors"), max_length=200)
    checklist = models.JSONField(_("checklist"), default=dict)
    findings = models.TextField(_("findings"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=30)
    rectification_deadline = models.DateField(_("rectify by"), null=True, blank=True)
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)
    policy_id = models.CharField(_("rule book"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("joint inspection")
        verbose_name_plural = _("joint inspections")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["enterprise", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.enterprise}"
