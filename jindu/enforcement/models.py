"""Enforcement (缉毒执法): cases and their suspects, seizures, gangs and dens; outbound
traffickers; eradication; venues; tips.

Scope follows the unit where a thing happened (a case's township, a trafficker's 户籍
village, a venue's township and its police station), through ``EnforcementQuerySet``, which
adds the county police bureau's jurisdiction (``access.py``). Identity numbers and a tip
reporter's identity are stored encrypted (``jindu.control.crypto``). Rows change only
through ``services.py``, which audits every write.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jindu.accounts.roles import Role
from jindu.control import crypto
from jindu.core.models import Recorded
from jindu.core.permissions import role_sees
from jindu.core.protected import ProtectedNumber
from jindu.core.scoping import VIEW, ScopedQuerySet

from .access import enforcement_scope
from .codes import CaseKind

POLICE_WRITE = (Role.MEMBER_UNIT, Role.POLICE_STATION)
FIELD_WRITE = (Role.MEMBER_UNIT, Role.POLICE_STATION, Role.TOWNSHIP)


class EnforcementQuerySet(ScopedQuerySet):
    """Scoped like every area, through the enforcement jurisdiction (``access``), and closed
    to roles not named in ``scope_view_roles``."""

    def restrict(self, user, action: str = VIEW):
        scope = enforcement_scope(user)
        if scope.is_empty or not role_sees(scope.role, self.model):
            return self.none()
        if not scope.may(action, self.model):
            return self.none()
        if scope.everything:
            return self
        from jindu.core.scoping import path_lookups_for

        condition = Q(pk__in=[])
        for lookup in path_lookups_for(self.model):
            condition |= scope.path_q(lookup)
        return self.filter(condition)


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class SuspectRole(models.TextChoices):
    ORGANISER = "organiser", _("Organiser")
    PRINCIPAL = "principal", _("Principal offender")
    ACCOMPLICE = "accomplice", _("Accomplice")
    OFFENDER = "offender", _("Offender")
    OTHER = "other", _("Other")


class Disposal(models.TextChoices):
    DETAINED = "detained", _("Criminal detention (刑拘)")
    ARRESTED = "arrested", _("Arrested (逮捕)")
    PROSECUTED = "prosecuted", _("Prosecuted (起诉)")
    SENTENCED = "sentenced", _("Sentenced (判决)")
    ADMINISTRATIVE_DETENTION = "administrative_detention", _("Administrative detention")
    FINED = "fined", _("Fined")
    BAIL = "bail", _("Bail pending trial (取保候审)")
    SURVEILLANCE = "surveillance", _("Residential surveillance (监视居住)")
    OTHER = "other", _("Other")


class DenKind(models.TextChoices):
    PRODUCTION = "production", _("Drug production den (制毒窝点)")
    USE = "use", _("Drug-use den (吸毒窝点)")
    DEALING = "dealing", _("Dealing den (贩毒窝点)")


class TraffickerSource(models.TextChoices):
    PROVINCE_REQUEST = "province_request", _("Assistance request from another province")
    BULLETIN = "bulletin", _("Bulletin (通报)")
    OWN_WORK = "own_work", _("Own investigation")
    FAMILY = "family", _("Family or village")
    OTHER = "other", _("Other")


class WorkKind(models.TextChoices):
    FAMILY_VISIT = "family_visit", _("Visit to the family")
    PERSUADE_RETURN = "persuade_return", _("Persuaded to return (劝返)")
    AGREEMENT = "agreement", _("Agreement with destination police")
    OTHER = "other", _("Other")


class Species(models.TextChoices):
    OPIUM_POPPY = "opium_poppy", _("Opium poppy")
    CANNABIS = "cannabis", _("Cannabis")
    COCA = "coca", _("Coca")
    OTHER = "other", _("Other")


class InspectionMode(models.TextChoices):
    OPEN = "open", _("Open inspection (明查)")
    COVERT = "covert", _("Covert visit (暗访)")


class TipChannel(models.TextChoices):
    HOTLINE = "hotline", _("Hotline")
    LETTER = "letter", _("Letter")
    IN_PERSON = "in_person", _("In person")
    WEB = "web", _("Public web form")


class TipStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ASSIGNED = "assigned", _("Assigned to a station")
    VERIFIED = "verified", _("Verified")
    UNFOUNDED = "unfounded", _("Not confirmed")
    REWARDED = "rewarded", _("Reward decided")


class PoliceAuthority(models.Model):
    """A member unit that is the county's police (县公安局): its staff see the enforcement
    records of ``area``'s subtree. Recorded by the office; see ``access.py``."""

    unit = models.OneToOneField(
        "orgs.OrgUnit",
        verbose_name=_("member unit"),
        on_delete=models.PROTECT,
        related_name="police_authority",
    )
    area = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("area policed"), on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("police authority")
        verbose_name_plural = _("police authorities")

    def __str__(self) -> str:
        return f"{self.unit} → {self.area}"


class Case(models.Model):
    number = models.CharField(_("case number"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=CaseKind.choices)
    offence = models.CharField(_("offence"), max_length=40)
    offence_article = models.CharField(_("article"), max_length=80)
    filed_date = models.DateField(_("filed on (立案)"), db_index=True)
    solved_date = models.DateField(_("solved on (破案)"), null=True, blank=True, db_index=True)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("township"),
        on_delete=models.PROTECT,
        related_name="enforcement_cases",
    )
    handling_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("handling unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_cases",
    )
    flags = models.JSONField(_("flags"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    policy_id = models.CharField(_("rule books"), max_length=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnforcementQuerySet.as_manager()

    # A case belongs to the township where it happened: the station covering it and the
    # county police see it; the handling unit does not widen who sees it (one path filter,
    # which the list and the figures can push into one indexed join).
    scope_unit_field = "org_unit"
    scope_actions = {"change": POLICE_WRITE}

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-filed_date", "-id"]
        indexes = [
            models.Index(fields=["org_unit", "solved_date"], name="enf_case_unit_solved_idx"),
            models.Index(fields=["solved_date", "org_unit"], name="enf_case_solved_unit_idx"),
            models.Index(fields=["-filed_date", "-id"], name="enf_case_list_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(solved_date__isnull=True) | Q(solved_date__gte=models.F("filed_date")),
                name="enf_case_solved_after_filed",
            )
        ]

    def __str__(self) -> str:
        return self.number


class CaseScoped(models.Model):
    objects = EnforcementQuerySet.as_manager()

    scope_unit_field = "case__org_unit"
    scope_actions = {"change": POLICE_WRITE}

    class Meta:
        abstract = True


class Suspect(CaseScoped):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="suspects")
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    id_number_encrypted = models.TextField(editable=False, blank=True)
    id_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    id_masked = models.CharField(_("identity number"), max_length=18, blank=True, editable=False)
    household_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("household registration"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField(_("role"), max_length=20, choices=SuspectRole.choices)
    disposal = models.CharField(_("disposal"), max_length=30, choices=Disposal.choices)
    person = models.ForeignKey(
        "control.Person",
        verbose_name=_("person under control"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enforcement_suspects",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    secret_fields = ("id_number_encrypted", "id_hash")

    class Meta:
        verbose_name = _("suspect")
        verbose_name_plural = _("suspects")
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return self.name

    # The full number, decrypted on read; assigning one writes ciphertext, hash and mask.
    id_number = ProtectedNumber(
        "id_number_encrypted", "id_hash", "id_masked", mask=crypto.mask_id_number
    )


class Seizure(CaseScoped):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="seizures")
    drug_type = models.CharField(_("drug type"), max_length=30)
    grams = models.DecimalField(_("grams"), max_digits=14, decimal_places=3, default=0)
    pills = models.PositiveIntegerField(_("pills"), default=0)
    heroin_factor = models.FloatField(_("heroin-equivalent factor"), default=0)
    heroin_equivalent_grams = models.DecimalField(
        _("heroin equivalent (g)"), max_digits=14, decimal_places=3, default=0
    )
    policy_id = models.CharField(_("rule books"), max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("seizure")
        verbose_name_plural = _("seizures")
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return f"{self.case} {self.drug_type} {self.grams} g"


class Gang(CaseScoped):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="gangs")
    name = models.CharField(_("name"), max_length=100)
    members = models.ManyToManyField(Suspect, verbose_name=_("members"), related_name="gangs")
    member_count = models.PositiveIntegerField(_("members"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("gang")
        verbose_name_plural = _("gangs")
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return self.name


class Den(CaseScoped):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="dens")
    kind = models.CharField(_("kind"), max_length=20, choices=DenKind.choices)
    place = models.CharField(_("place"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("den")
        verbose_name_plural = _("dens")
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.place}"


class OutboundTrafficker(models.Model):
    """A person of the county's 户籍 caught trafficking outside the county (外流贩毒)."""

    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    id_number_encrypted = models.TextField(editable=False, blank=True)
    id_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    id_masked = models.CharField(_("identity number"), max_length=18, blank=True, editable=False)
    household_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("household registration"),
        on_delete=models.PROTECT,
        related_name="outbound_traffickers",
    )
    township = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", editable=False
    )
    destination = models.CharField(_("destination"), max_length=100, blank=True)
    arrest_date = models.DateField(_("arrested on"), db_index=True)
    arrest_place = models.CharField(_("arrested at"), max_length=200)
    arresting_agency = models.CharField(_("arresting agency"), max_length=200)
    case_number = models.CharField(_("case number"), max_length=60, blank=True)
    drug_type = models.CharField(_("drug type"), max_length=30, blank=True)
    grams = models.DecimalField(_("grams"), max_digits=14, decimal_places=3, default=0)
    role = models.CharField(_("role"), max_length=20, choices=SuspectRole.choices, blank=True)
    disposal = models.CharField(_("disposal"), max_length=30, choices=Disposal.choices)
    source = models.CharField(
        _("information source"), max_length=30, choices=TraffickerSource.choices
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EnforcementQuerySet.as_manager()

    scope_unit_field = "household_unit"
    scope_actions = {"change": POLICE_WRITE}
    secret_fields = ("id_number_encrypted", "id_hash")

    class Meta:
        verbose_name = _("outbound trafficker")
        verbose_name_plural = _("outbound traffickers")
        ordering = ["-arrest_date", "-id"]
        indexes = [
            models.Index(fields=["township", "arrest_date"], name="enf_outbound_unit_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    id_number = ProtectedNumber(
        "id_number_encrypted", "id_hash", "id_masked", mask=crypto.mask_id_number
    )


class OutboundWork(Recorded):
    """Work on the register: visits to the family, 劝返, agreements with destination police."""

    trafficker = models.ForeignKey(
        OutboundTrafficker, on_delete=models.PROTECT, related_name="work_records"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=WorkKind.choices)
    summary = models.TextField(_("summary"))
    by_name = models.CharField(_("by"), max_length=50)

    objects = EnforcementQuerySet.as_manager()

    scope_unit_field = "trafficker__household_unit"
    scope_actions = {"change": FIELD_WRITE}

    class Meta:
        verbose_name = _("work record")
        verbose_name_plural = _("work records")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.trafficker} {self.date}"


class EradicationPatrol(Recorded):
    """A 踏查 (patrol for illegal planting): where, who, drones, area covered."""

    org_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("township"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("date"), db_index=True)
    area = models.CharField(_("area patrolled"), max_length=200)
    staff = models.PositiveIntegerField(_("staff"), default=1)
    drones = models.PositiveIntegerField(_("drones"), default=0)
    area_covered_mu = models.DecimalField(_("area covered (mu)"), max_digits=12, decimal_places=2)
    area_total_mu = models.DecimalField(
        _("area to cover (mu)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    coverage_pct = models.DecimalField(
        _("coverage (%)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = EnforcementQuerySet.as_manager()

    scope_unit_field = "org_unit"
    scope_actions = {"change": FIELD_WRITE}

    class Meta:
        verbose_name = _("eradication patrol")
        verbose_name_plural = _("eradication patrols")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.org_unit} {self.date}"


class PlantingFinding(Recorded):
    org_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("township"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("date"), db_index=True)
    species = models.CharField(_("species"), max_length=20, choices=Species.choices)
    plants = models.PositiveIntegerField(_("plants eradicated"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    patrol = models.ForeignKey(
        EradicationPatrol,
        verbose_name=_("patrol"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
    )
    case = models.ForeignKey(
        Case,
        verbose_name=_("follow-up case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = EnforcementQuerySet.as_manager()

    scope_unit_field = "org_unit"
    scope_actions = {"change": FIELD_WRITE}

    class Meta:
        verbose_name = _("planting finding")
        verbose_name_plural = _("planting findings")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.org_unit} {self.date} {self.get_species_display()}"


class ProductionIncident(Recorded):
    """毒品生产加工: a production or processing site found."""

    org_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("township"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("date"), db_index=True)
    place = models.CharField(_("place"), max_length=200)
    description = models.TextField(_("description"))
    case = models.ForeignKey(
        Case,
        verbose_name=_("follow-up case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = EnforcementQuerySet.as_manager()

    scope_unit_field = "org_unit"
    scope_actions = {"change": FIELD_WRITE}

    class Meta:
        verbose_name = _("production incident")
        verbose_name_plural = _("production incidents")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.org_unit} {self.date}"


class Venue(models.Model):
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=30)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("township"), on_delete=models.PROTECT, related_name="+"
    )
    station = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("police station"),
        on_delete=models.PROTECT,
        related_name="venues",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    licence_no = models.CharField(_("licence number"), max_length=60, blank=True)
    opened_date = models.DateField(_("business licence date"), null=True, blank=True)
    filed_date = models.DateField(_("filed with the police on"), null=True, blank=True)
    filing_due = models.DateField(_("filing due"), null=True, blank=True, editable=False)
    grade = models.CharField(_("grade"), max_length=5, blank=True, editable=False)
    grade_score = models.PositiveIntegerField(_("score"), null=True, blank=True, editable=False)
    grade_reason = models.CharField(_("why"), max_length=200, blank=True, editable=False)
    graded_on = models.DateField(_("graded on"), null=True, blank=True, editable=False)
    is_active = models.BooleanField(_("in business"), default=True)
    policy_id = models.CharField(_("rule books"), max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EnforcementQuerySet.as_manager()

    scope_unit_fields = ("org_unit", "station")
    scope_actions = {"change": POLICE_WRITE}

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["org_unit", "grade"], name="enf_venue_unit_grade_idx")]

    def __str__(self) -> str:
        return self.name


class VenueInspection(Recorded):
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="inspections")
    date = models.DateField(_("date"), db_index=True)
    mode = models.CharField(_("mode"), max_length=10, choices=InspectionMode.choices)
    inspecting_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("inspecting unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    inspectors = models.CharField(_("inspectors"), max_length=200)
    checks = models.JSONField(_("checklist"), default=dict)
    score = models.PositiveIntegerField(_("score"))
    findings = models.TextField(_("findings"), blank=True)
    users_found = models.PositiveIntegerField(_("drug users found"), default=0)
    dealers_found = models.PositiveIntegerField(_("dealers found"), default=0)
    grade_after = models.CharField(_("grade"), max_length=5)
    basis = models.JSONField(_("basis"), default=list)
    policy_id = models.CharField(_("rule books"), max_length=120)

    objects = EnforcementQuerySet.as_manager()

    scope_unit_fields = ("venue__org_unit", "venue__station")
    scope_actions = {"change": POLICE_WRITE}

    class Meta:
        verbose_name = _("venue inspection")
        verbose_name_plural = _("venue inspections")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["venue", "date"], name="enf_inspection_venue_idx")]

    def __str__(self) -> str:
        return f"{self.venue} {self.date}"


class VenueSanction(Recorded):
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="sanctions")
    date = models.DateField(_("date"))
    kind = models.CharField(_("sanction"), max_length=30)
    article = models.CharField(_("article"), max_length=80)
    months = models.PositiveSmallIntegerField(_("closure (months)"), null=True, blank=True)
    closed_until = models.DateField(_("closed until"), null=True, blank=True)
    rectify_by = models.DateField(_("rectify by"), null=True, blank=True)
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    inspection = models.ForeignKey(
        VenueInspection, null=True, blank=True, on_delete=models.PROTECT, related_name="sanctions"
    )
    policy_id = models.CharField(_("rule books"), max_length=120)

    objects = EnforcementQuerySet.as_manager()

    scope_unit_fields = ("venue__org_unit", "venue__station")
    scope_actions = {"change": POLICE_WRITE}

    class Meta:
        verbose_name = _("venue sanction")
        verbose_name_plural = _("venue sanctions")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.venue} {self.date} {self.kind}"


class Tip(models.Model):
    """A tip-off (举报). The reporter's name and contact are optional, stored encrypted, and
    shown to the office alone; every showing is logged (``TipReporterAccess``)."""

    received_date = models.DateField(_("received on"), db_index=True)
    channel = models.CharField(_("channel"), max_length=20, choices=TipChannel.choices)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("township"), on_delete=models.PROTECT, related_name="+"
    )
    content = models.TextField(_("what was reported"))
    reporter_name_encrypted = models.TextField(blank=True, editable=False)
    reporter_phone_encrypted = models.TextField(blank=True, editable=False)
    reporter_phone_hash = models.CharField(max_length=64, blank=True, editable=False)
    has_reporter = models.BooleanField(_("reporter known"), default=False, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=TipStatus.choices, default=TipStatus.RECEIVED
    )
    station = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_on = models.DateField(_("assigned on"), null=True, blank=True)
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    verification_note = models.TextField(_("verification"), blank=True)
    case = models.ForeignKey(
        Case,
        verbose_name=_("case it led to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tips",
    )
    reward_yuan = models.PositiveIntegerField(_("reward (yuan)"), null=True, blank=True)
    reward_basis = models.JSONField(_("reward basis"), default=list, blank=True)
    reward_decided_on = models.DateField(_("reward decided on"), null=True, blank=True)
    notify_due = models.DateField(_("notify the reporter by"), null=True, blank=True)
    notified_on = models.DateField(_("reporter notified on"), null=True, blank=True)
    claim_due = models.DateField(_("claim by"), null=True, blank=True)
    claimed_on = models.DateField(_("claimed on"), null=True, blank=True)
    policy_id = models.CharField(_("rule books"), max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EnforcementQuerySet.as_manager()

    scope_unit_fields = ("org_unit", "station")
    # Townships and grid workers see no tips: a tip may concern people around them.
    scope_view_roles = (Role.OFFICE_ADMIN, Role.LEADER, Role.MEMBER_UNIT, Role.POLICE_STATION)
    # The office receives a tip, assigns it to a station, decides the reward and records the
    # reporter's notification and claim, and alone sees who reported; the police verify it.
    scope_actions = {
        "change": POLICE_WRITE,
        "verify": POLICE_WRITE,
        "receive": (),
        "assign": (),
        "reward": (),
        "notify": (),
        "claim": (),
        "reveal_reporter": (),
    }
    secret_fields = ("reporter_name_encrypted", "reporter_phone_encrypted", "reporter_phone_hash")

    # The reporter's identity: the name kept only encrypted, the phone encrypted and hashed
    # (no masked copy: the reporter is shown to the office alone, in full, and logged).
    reporter_name = ProtectedNumber("reporter_name_encrypted", None, None)
    reporter_phone = ProtectedNumber(
        "reporter_phone_encrypted", "reporter_phone_hash", None, normalise=crypto.normalise_phone
    )

    class Meta:
        verbose_name = _("tip")
        verbose_name_plural = _("tips")
        ordering = ["-received_date", "-id"]
        indexes = [models.Index(fields=["org_unit", "received_date"], name="enf_tip_unit_idx")]

    def __str__(self) -> str:
        return f"{self.received_date} {self.org_unit}"

    def allows_action(self, action: str) -> bool:
        """What the tip's state allows (the services refuse the rest)."""
        rewarded = self.status == TipStatus.REWARDED
        return {
            "assign": self.status in (TipStatus.RECEIVED, TipStatus.ASSIGNED),
            "verify": self.status == TipStatus.ASSIGNED,
            "reward": self.status == TipStatus.VERIFIED
            and self.case_id is not None
            and self.has_reporter,
            "notify": rewarded and self.notified_on is None,
            "claim": rewarded and self.notified_on is not None and self.claimed_on is None,
        }.get(action, True)


class IdentitySubject(models.TextChoices):
    SUSPECT = "suspect", _("Suspect's identity number")
    TRAFFICKER = "trafficker", _("Outbound trafficker's identity number")
    TIP_REPORTER = "tip_reporter", _("Tip reporter's identity")


class IdentityAccess(models.Model):
    """Every showing of a full identity number or a tip reporter's identity: who, when,
    what, why, from where — written by ``services.reveal_*`` and never changed. The office
    reviews it, like the control area's file openings."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(_("what"), max_length=20, choices=IdentitySubject.choices)
    object_id = models.PositiveBigIntegerField(_("record"))
    org_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)

    objects = EnforcementQuerySet.as_manager()

    scope_unit_field = "org_unit"
    scope_view_roles = (Role.OFFICE_ADMIN,)
    scope_actions = {"change": ()}

    class Meta:
        verbose_name = _("identity access")
        verbose_name_plural = _("identity accesses")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_subject_display()} {self.object_id}"


class PopulationKind(models.TextChoices):
    REGISTERED = "registered", _("Registered (户籍)")
    RESIDENT = "resident", _("Resident (常住)")


class Population(models.Model):
    """A unit's population in a year, of a kind (户籍 or 常住), with its source — entered by
    the office on one page (prevention's population editor, which writes here through
    ``services.set_population``). The denominator of tips per 10,000 residents here, in the
    prevention targets and in the cockpit; where both kinds are entered, the registered
    (户籍) figure counts (``selectors.population_figures``)."""

    org_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=PopulationKind.choices,
        default=PopulationKind.REGISTERED,
    )
    residents = models.PositiveIntegerField(_("residents"))
    source = models.CharField(_("source"), max_length=200, blank=True)

    # Population figures are not police records: the core scope (a township sees its own).
    objects = ScopedQuerySet.as_manager()

    scope_unit_field = "org_unit"
    scope_actions = {"change": ()}

    class Meta:
        verbose_name = _("population figure")
        verbose_name_plural = _("population figures")
        ordering = ["org_unit", "-year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit", "year", "kind"], name="enf_one_population_per_year_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.org_unit} {self.year}: {self.residents}"


class ResultsMonth(models.Model):
    """Whether the figures of one closed month are in ``ResultsCell`` (``fresh``), and by
    which rule books; a month is computed whole under this row's lock (``rollup.ensure``)."""

    month = models.DateField(_("month"), primary_key=True)
    policy_id = models.CharField(_("rule books"), max_length=120, blank=True)
    fresh = models.BooleanField(_("up to date"), default=False)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("results month")
        verbose_name_plural = _("results months")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class ResultsStale(models.Model):
    """A township's month whose cells a write changed: a write to a case or its suspects,
    seizures, gangs or dens marks it in the same transaction (``rollup.mark_stale``), and
    the next read recounts it under this row's lock, so a figure is never older than the
    last committed write."""

    month = models.DateField(_("month"))
    org_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("township"), on_delete=models.CASCADE, related_name="+"
    )
    marked_at = models.DateTimeField(_("marked at"))

    class Meta:
        verbose_name = _("results to recount")
        verbose_name_plural = _("results to recount")
        constraints = [
            models.UniqueConstraint(fields=["month", "org_unit"], name="enf_stale_month_unit")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.org_unit_id}"


class ResultsCell(models.Model):
    """One figure of the results statistics for one township and one closed month (战果统计
    rollup, ``rollup.py``): the province's statistics sum these narrow rows instead of
    joining a million seizures to their cases. Nothing names a person."""

    month = models.DateField(_("month"))
    # NULL: the whole tree (the month's totals per code, for a province's statistics).
    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("township"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    code = models.CharField(_("code"), max_length=80)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=3)

    # Read like every enforcement record (the whole-tree rows have no unit: only a scope
    # over everything reaches them).
    objects = EnforcementQuerySet.as_manager()
    scope_unit_field = "org_unit"
    scope_actions = {"change": ()}

    class Meta:
        verbose_name = _("results figure")
        verbose_name_plural = _("results figures")
        indexes = [
            models.Index(fields=["month", "org_unit"], name="enf_cell_month_unit_idx"),
            models.Index(fields=["org_unit", "month"], name="enf_cell_unit_month_idx"),
            # The province's township table: a few codes of every township, read from the
            # index alone (PostgreSQL's index-only scan, once vacuumed).
            models.Index(
                fields=["code", "month", "org_unit", "value"], name="enf_cell_code_month_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.org_unit_id} {self.code} {self.value}"
