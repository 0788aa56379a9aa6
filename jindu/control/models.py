"""People under control (吸毒人员管控): the registry and everything recorded about a person.

Every record belongs to a person, and a person to the unit they live in (``residence_unit``, a
village/community or grid): scope follows the residence, so a person who moves to another
township moves with their whole history. Identity and phone numbers are stored encrypted
(``crypto``) with a keyed hash for exact lookup and a masked copy for lists.

Rows change only through the services (services.py, orders.py, relapse.py), which audit
every write.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jindu.accounts.roles import Role
from jindu.core.models import Recorded
from jindu.core.permissions import role_sees
from jindu.core.protected import ProtectedNumber
from jindu.core.scoping import VIEW, ScopedQuerySet, scope_for

from . import crypto

# Roles that work on people under control. Grid workers report relapse but never see a file;
# member units have no part in it.
CONTROL_ROLES = (Role.OFFICE_ADMIN, Role.LEADER, Role.TOWNSHIP, Role.POLICE_STATION)
WRITE_ROLES = (Role.TOWNSHIP, Role.POLICE_STATION)
# Who sees full numbers when opening a file (others see them masked).
FULL_ID_ROLES = (Role.OFFICE_ADMIN, Role.POLICE_STATION)
FULL_PHONE_ROLES = (Role.OFFICE_ADMIN, Role.POLICE_STATION, Role.TOWNSHIP)


def works_on_control(user) -> bool:
    """Whether the user's role has any part in the control files (pages answer 403 if not;
    querysets are empty for them anyway, see ``ControlQuerySet``)."""
    return scope_for(user).role in CONTROL_ROLES


class ControlQuerySet(ScopedQuerySet):
    """Scoped like every area, and closed to roles not named in ``scope_view_roles``."""

    def restrict(self, user, action: str = VIEW):
        if not role_sees(scope_for(user).role, self.model):
            return self.none()
        return super().restrict(user, action)


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class PersonStatus(models.TextChoices):
    IN_SOCIETY = "in_society", _("In society")
    IN_FACILITY = "in_facility", _("In compulsory isolation")
    IN_CUSTODY = "in_custody", _("In custody or prison")
    MOVED_OUT = "moved_out", _("Moved out of the county")
    DECEASED = "deceased", _("Deceased")


class RiskLevel(models.TextChoices):
    LOW = "low", pgettext_lazy("risk level", "Low")
    MEDIUM = "medium", pgettext_lazy("risk level", "Medium")
    HIGH = "high", pgettext_lazy("risk level", "High")


class OrderKind(models.TextChoices):
    COMMUNITY_DETOX = "community_detox", _("Community detox")
    COMMUNITY_REHAB = "community_rehab", _("Community rehabilitation")
    COMPULSORY_ISOLATION = "compulsory_isolation", _("Compulsory isolation")


COMMUNITY_KINDS = (OrderKind.COMMUNITY_DETOX, OrderKind.COMMUNITY_REHAB)


class NotExecutedReason(models.TextChoices):
    PREGNANCY = "pregnancy", _("Pregnancy")
    NURSING = "nursing", _("Nursing an infant under one")
    SERIOUS_ILLNESS = "serious_illness", _("Serious illness")
    DISABILITY = "disability", _("Disability")
    AGE = "age", pgettext_lazy("exemption", "Age")
    OTHER = "other", _("Other")


class EndKind(models.TextChoices):
    EXPIRY = "expiry", _("Expired")
    EARLY_RELEASE = "early_release", _("Released early")
    SUSPENDED = "suspended", _("Suspended (detained)")
    TERMINATED = "terminated", _("Terminated (sentenced)")
    CONVERTED = "converted", _("Converted to compulsory isolation")
    OTHER = "other", _("Other")


class ResponsibleRole(models.TextChoices):
    POLICE = "police", _("Community police officer")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    GRID_WORKER = "grid_worker", _("Grid worker")
    VILLAGE_CADRE = "village_cadre", _("Village cadre")


class LeaveStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    # "Refused" means two things in English; the context keeps them apart (不予批准 here).
    REFUSED = "refused", pgettext_lazy("leave request", "Refused")
    RETURNED = "returned", _("Returned")
    OVERDUE = "overdue", _("Overdue")
    UNAPPROVED = "unapproved", _("Left without approval")


class TestKind(models.TextChoices):
    URINE = "urine", _("Urine")
    HAIR = "hair", _("Hair")


class TestResult(models.TextChoices):
    NEGATIVE = "negative", _("Negative")
    POSITIVE = "positive", _("Positive")
    # 拒检 is a refused test, not a refused request (不予办理): its own context.
    REFUSED = "refused", pgettext_lazy("test result", "Refused")
    MISSED = "missed", _("Missed")


class FollowUpKind(models.TextChoices):
    TEST_RESULT = "test_result", _("Positive, refused or missed test")
    SERIOUS_BREACH = "serious_breach", _("Serious breach: report to the police")
    ESCALATION = "escalation", _("Proposed escalation")
    REPORT_OVERDUE = "report_overdue", _("Not reported in time")
    EXPIRY_NOTICE = "expiry_notice", _("Notify the township of the expiry")
    ABSTINENCE = "abstinence", _("Three clean years: confirm")


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    DISMISSED = "dismissed", _("Dismissed")


class AccessReason(models.TextChoices):
    CASE_HANDLING = "case_handling", _("Case handling")
    CONTROL_WORK = "control_work", _("Control work")
    STATISTICS = "statistics", _("Statistics check")
    SUPERVISION = "supervision", _("Supervision or inspection")
    OTHER = "other", _("Other")


class RelapseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    CHECKED = "checked", _("Checked")
    CLOSED = "closed", _("Closed")


class RelapseKind(models.TextChoices):
    RELAPSE = "relapse", _("Suspected relapse of a known person")
    NEW_USER = "new_user", _("New suspected drug user")


class RelapseOutcome(models.TextChoices):
    CONFIRMED = "confirmed", _("Relapse confirmed")
    NOT_CONFIRMED = "not_confirmed", _("Not confirmed")


class PersonScoped(models.Model):
    """A record about a person: seen and changed by whoever may see and change the person."""

    objects = ControlQuerySet.as_manager()

    scope_unit_field = "person__residence_unit"
    scope_view_roles = CONTROL_ROLES
    scope_actions = {"change": WRITE_ROLES}

    class Meta:
        abstract = True


class Person(models.Model):
    name = models.CharField(_("name"), max_length=50)
    # Pinyin initials (core.search) so the station's picker finds 张三 by "zs".
    search_key = models.CharField(max_length=60, blank=True, db_index=True, editable=False)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    id_number_encrypted = models.TextField(editable=False)
    id_hash = models.CharField(max_length=64, unique=True, editable=False)
    id_masked = models.CharField(_("identity number"), max_length=18, editable=False)
    birth_date = models.DateField(_("birth date"))
    household_address = models.CharField(_("household address"), max_length=200, blank=True)
    residence_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("residence"),
        on_delete=models.PROTECT,
        related_name="control_persons",
    )
    phone_encrypted = models.TextField(blank=True, editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)
    drug_types = models.JSONField(_("drug types"), default=list)
    first_found_date = models.DateField(_("first found"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PersonStatus.choices,
        default=PersonStatus.IN_SOCIETY,
        db_index=True,
    )
    status_since = models.DateField(_("status since"))
    risk_level = models.CharField(_("risk"), max_length=10, choices=RiskLevel.choices, blank=True)
    risk_date = models.DateField(_("risk assessed on"), null=True, blank=True)
    left_control_on = models.DateField(
        _("left dynamic control on"),
        null=True,
        blank=True,
        help_text=_("Three clean years confirmed (戒断三年未复吸)."),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ControlQuerySet.as_manager()

    scope_unit_field = "residence_unit"
    scope_view_roles = CONTROL_ROLES
    scope_actions = {"change": WRITE_ROLES}
    # Never copied into the audit trail (ciphertext and hashes; the masked copies are).
    secret_fields = ("id_number_encrypted", "id_hash", "phone_encrypted", "phone_hash")

    class Meta:
        verbose_name = _("person under control")
        verbose_name_plural = _("persons under control")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["residence_unit", "status"]),
            # The registry list: its order, and its status/risk filters with that order.
            models.Index(fields=["name", "id"], name="control_person_list_idx"),
            models.Index(
                fields=["status", "risk_level", "name", "id"], name="control_person_status_idx"
            ),
            # The targets' scope: who lives under a unit, read from the index alone (the
            # person row is wide: encrypted numbers), for a county or the whole province.
            models.Index(
                fields=["residence_unit", "id"],
                include=["left_control_on"],
                name="control_person_scope_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    # The full numbers, decrypted on read; assigning one writes ciphertext, hash and mask.
    # Only ``open_file`` shows them, and only to some roles.
    id_number = ProtectedNumber(
        "id_number_encrypted", "id_hash", "id_masked", mask=crypto.mask_id_number
    )
    phone = ProtectedNumber("phone_encrypted", "phone_hash", "phone_masked", mask=crypto.mask_phone)

    def save(self, *args, **kwargs):
        from jindu.core.search import search_key

        self.search_key = search_key(self.name)
        fields = kwargs.get("update_fields")
        if fields is not None and "name" in fields:
            kwargs["update_fields"] = {*fields, "search_key"}
        super().save(*args, **kwargs)


class Finding(PersonScoped, Recorded):
    """One time the person was found using drugs (查获), the first and every later one."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="findings")
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    circumstances = models.TextField(_("circumstances"), blank=True)
    source = models.CharField(_("source"), max_length=60, blank=True)
    relapse_report = models.ForeignKey(
        "RelapseReport", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.person} {self.date}"


class StatusChange(PersonScoped, Recorded):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="status_changes")
    date = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=20, choices=PersonStatus.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["person", "date"]),
            # A person's latest status as of a date, read from the index alone (targets).
            models.Index(
                fields=["person", "-date", "-id"],
                include=["status"],
                name="control_status_latest_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.date} {self.get_status_display()}"


class ResidenceChange(PersonScoped, Recorded):
    """A move to another village/grid (变更执行地, 条例第二十二条): the file follows the person."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="moves")
    date = models.DateField(_("date"))
    from_unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    report_due = models.DateField(_("report by"), null=True, blank=True)
    reported_date = models.DateField(_("reported at the new place on"), null=True, blank=True)
    basis = models.JSONField(_("basis"), default=list)

    class Meta:
        verbose_name = _("move")
        verbose_name_plural = _("moves")
        ordering = ["-date", "-id"]
        indexes = [
            # Where a person lived on a date: their first move after it, read from the index
            # alone (the targets' as-of residence, selectors.target_facts).
            models.Index(
                fields=["person", "date", "id"],
                include=["from_unit"],
                name="control_move_asof_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.date} → {self.to_unit}"


class RiskAssessment(PersonScoped):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="risk_assessments")
    date = models.DateField(_("date"))
    level = models.CharField(_("level"), max_length=10, choices=RiskLevel.choices)
    factors = models.JSONField(_("factors"), default=list)
    notes = models.TextField(_("notes"), blank=True)
    assessor_name = models.CharField(_("assessed by"), max_length=100, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["person", "date"]),
            models.Index(
                fields=["person", "-date", "-id"], include=["level"], name="control_risk_latest_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.date} {self.get_level_display()}"


class ControlOrder(PersonScoped, Recorded):
    """A measure decided for the person: community detox, community rehab or compulsory
    isolation, with its report or execution and its end."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="orders")
    kind = models.CharField(_("kind"), max_length=30, choices=OrderKind.choices)
    decision_date = models.DateField(_("decision date"))
    decision_no = models.CharField(_("decision number"), max_length=80, blank=True)
    authority = models.CharField(_("deciding authority"), max_length=100, blank=True)
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    report_due = models.DateField(_("report by"), null=True, blank=True)
    reported_date = models.DateField(_("reported on"), null=True, blank=True)
    late_reason = models.CharField(_("good reason for reporting late"), max_length=200, blank=True)
    executed_date = models.DateField(_("executed on"), null=True, blank=True)
    not_executed_reason = models.CharField(
        _("reason not executed"), max_length=20, choices=NotExecutedReason.choices, blank=True
    )
    not_executed_note = models.CharField(_("details"), max_length=200, blank=True)
    agreement_signed_date = models.DateField(_("agreement signed on"), null=True, blank=True)
    working_group = models.TextField(_("working group"), blank=True)
    extension_months = models.PositiveSmallIntegerField(_("extension (months)"), default=0)
    expected_end = models.DateField(_("term ends"), null=True, blank=True)
    end_date = models.DateField(_("ended on"), null=True, blank=True)
    end_kind = models.CharField(_("end"), max_length=20, choices=EndKind.choices, blank=True)
    end_note = models.CharField(_("end details"), max_length=200, blank=True)
    continues = models.ForeignKey(
        "self",
        verbose_name=_("continues"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="continued_by",
    )
    basis = models.JSONField(_("basis"), default=list)
    policy_id = models.CharField(_("policy"), max_length=60)

    class Meta:
        verbose_name = _("control order")
        verbose_name_plural = _("control orders")
        ordering = ["-decision_date", "-id"]
        indexes = [
            models.Index(fields=["kind", "decision_date"]),
            models.Index(fields=["person", "kind", "decision_date"]),
            # A person's latest order of a kind, and all isolation orders by person (targets).
            models.Index(
                fields=["kind", "person", "-decision_date", "-id"],
                include=["executed_date", "continues"],
                name="control_order_latest_idx",
            ),
            models.Index(fields=["decision_date"], name="control_order_decided_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_kind_display()} {self.decision_date}"

    @property
    def is_community(self) -> bool:
        return self.kind in COMMUNITY_KINDS

    @property
    def is_running(self) -> bool:
        started = self.reported_date if self.is_community else self.executed_date
        return started is not None and self.end_date is None


class ControlAssignment(PersonScoped):
    """Who is responsible for the person (民警, 社工, 网格员, village cadre), from when to when."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="assignments")
    responsible_name = models.CharField(_("responsible person"), max_length=50)
    responsible_role = models.CharField(_("role"), max_length=20, choices=ResponsibleRole.choices)
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="control_assignments",
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("control assignment")
        verbose_name_plural = _("control assignments")
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["person", "start_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="control_assignment_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.responsible_name}"


class ContactKind(models.TextChoices):
    VISIT = "visit", _("Home visit")
    CONVERSATION = "conversation", _("Conversation")
    PHONE = "phone", _("Phone call")


class ContactLog(PersonScoped, Recorded):
    """A visit or conversation by the person's responsible worker (帮教走访、谈话). What was
    done and said for the control work only: never phone contents, contacts or locations."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="contacts")
    assignment = models.ForeignKey(
        ControlAssignment,
        verbose_name=_("control assignment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=ContactKind.choices)
    by_name = models.CharField(_("by"), max_length=50)
    summary = models.TextField(_("summary"))

    class Meta:
        verbose_name = _("visit or conversation")
        verbose_name_plural = _("visits and conversations")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["person", "date"])]

    def __str__(self) -> str:
        return f"{self.person} {self.date} {self.get_kind_display()}"


class LeaveRequest(PersonScoped, Recorded):
    """Leaving the county (条例第十九条): a request approved or refused in advance, extended,
    returned from or overdue; or an absence without approval, recorded afterwards."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="leaves")
    order = models.ForeignKey(
        ControlOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="leaves"
    )
    from_date = models.DateField(_("from"))
    to_date = models.DateField(_("until"))
    original_to_date = models.DateField(_("originally until"), null=True, blank=True)
    destination = models.CharField(_("destination"), max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=LeaveStatus.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True)
    returned_date = models.DateField(_("returned on"), null=True, blank=True)

    class Meta:
        verbose_name = _("leave")
        verbose_name_plural = _("leaves")
        ordering = ["-from_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_date__gte=models.F("from_date")), name="leave_ends_after_start"
            )
        ]

    # Deciding, extending and recording the return are the file's changes (the same roles);
    # named so that a page offers exactly what the leave's state allows.
    scope_actions = {
        "change": WRITE_ROLES,
        "decide": WRITE_ROLES,
        "extend": WRITE_ROLES,
        "return": WRITE_ROLES,
    }

    def __str__(self) -> str:
        return f"{self.person} {self.from_date}–{self.to_date} {self.get_status_display()}"

    def allows_action(self, action: str) -> bool:
        """What the leave's state allows (the services refuse the rest)."""
        away = self.status in (LeaveStatus.APPROVED, LeaveStatus.OVERDUE)
        return {
            "decide": self.status == LeaveStatus.REQUESTED,
            "extend": away,
            "return": away,
        }.get(action, True)


class UrineTest(PersonScoped, Recorded):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="tests")
    order = models.ForeignKey(
        ControlOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="tests"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=TestKind.choices)
    result = models.CharField(_("result"), max_length=10, choices=TestResult.choices)
    place = models.CharField(_("place"), max_length=200, blank=True)
    tested_by = models.CharField(_("tested by"), max_length=100, blank=True)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("test")
        verbose_name_plural = _("tests")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["person", "date"])]

    def __str__(self) -> str:
        return f"{self.person} {self.date} {self.get_result_display()}"


class FollowUp(PersonScoped):
    """Something the responsible worker must do, raised by a rule: after a positive, refused
    or missed test, a serious breach (report to the police), a proposed escalation (for a
    person to decide), an expiry notice, three clean years to confirm."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="follow_ups")
    kind = models.CharField(_("kind"), max_length=20, choices=FollowUpKind.choices)
    # The occasion, so a rule that runs twice raises it once (e.g. "breach:order:12").
    trigger_key = models.CharField(max_length=120, unique=True)
    reason = models.TextField(_("why"))
    basis = models.JSONField(_("basis"), default=list)
    proposal = models.JSONField(_("proposal"), default=dict, blank=True)
    test = models.ForeignKey(
        UrineTest, null=True, blank=True, on_delete=models.PROTECT, related_name="follow_ups"
    )
    order = models.ForeignKey(
        ControlOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="follow_ups"
    )
    due_date = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=FollowUpStatus.choices,
        default=FollowUpStatus.OPEN,
        db_index=True,
    )
    outcome = models.TextField(_("outcome"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["status", "-created_at", "-id"]

    scope_actions = {"change": WRITE_ROLES, "close": WRITE_ROLES}

    def __str__(self) -> str:
        return f"{self.person} · {self.get_kind_display()}"

    def allows_action(self, action: str) -> bool:
        """An open follow-up can be closed (done or dismissed); a closed one stays closed."""
        return self.status == FollowUpStatus.OPEN if action == "close" else True


class SickDisabled(PersonScoped, Recorded):
    """涉毒病残: the condition, when identified, and admission (收治) to treatment or a facility."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="sick_disabled")
    condition = models.CharField(_("condition"), max_length=200)
    identified_date = models.DateField(_("identified on"))
    admitted_date = models.DateField(_("admitted on"), null=True, blank=True)
    admitted_to = models.CharField(_("admitted to"), max_length=200, blank=True)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("sick or disabled person")
        verbose_name_plural = _("sick or disabled persons")
        ordering = ["-identified_date", "-id"]

    def __str__(self) -> str:
        return f"{self.person} · {self.condition}"


class RelapseReportQuerySet(ControlQuerySet):
    def restrict(self, user, action: str = VIEW):
        queryset = super().restrict(user, action)
        if scope_for(user).role == Role.GRID_WORKER:
            queryset = queryset.filter(reporter=user)
        return queryset


class RelapseReport(models.Model):
    """A grid worker's report of suspected relapse or a new suspected user in their grid
    (Plan 四(一)六). The police station covering the township accepts it, records the check
    and the outcome. The grid worker sees their own reports' status and nothing else."""

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="relapse_reports"
    )
    grid = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=RelapseKind.choices, default=RelapseKind.RELAPSE
    )
    subject = models.CharField(_("who (name or description)"), max_length=200)
    place = models.CharField(_("where"), max_length=200)
    observed_on = models.DateField(_("when"))
    observed_time = models.TimeField(_("time"), null=True, blank=True)
    observation = models.TextField(_("what was seen"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RelapseStatus.choices,
        default=RelapseStatus.SUBMITTED,
        db_index=True,
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="relapse_reports",
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    check_date = models.DateField(_("checked on"), null=True, blank=True)
    check_result = models.CharField(
        _("test result"), max_length=10, choices=TestResult.choices, blank=True
    )
    check_kind = models.CharField(_("test"), max_length=10, choices=TestKind.choices, blank=True)
    check_note = models.TextField(_("check details"), blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=RelapseOutcome.choices, blank=True
    )
    outcome_note = models.TextField(_("outcome details"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RelapseReportQuerySet.as_manager()

    scope_unit_field = "grid"
    scope_view_roles = (*CONTROL_ROLES, Role.GRID_WORKER)
    # A grid worker reports from their grid; the police station covering the township handles
    # the report (accepts, checks, closes), and so does the office.
    scope_actions = {
        "change": (Role.GRID_WORKER, Role.POLICE_STATION),
        "report": (Role.GRID_WORKER,),
        "handle": (Role.POLICE_STATION,),
    }

    class Meta:
        verbose_name = _("relapse report")
        verbose_name_plural = _("relapse reports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.grid} {self.observed_on} {self.get_status_display()}"

    @property
    def next_step(self) -> str:
        """The handler's next step in the report's state: accept a submitted report, record
        the check of an accepted one, close a checked one; none once closed."""
        return {
            RelapseStatus.SUBMITTED: "accept",
            RelapseStatus.ACCEPTED: "check",
            RelapseStatus.CHECKED: "close",
        }.get(self.status, "")


class FileAccess(models.Model):
    """Every opening of a person's full file: who, when, which person, why (查询事由).
    Reviewable by the office only; written by ``services.open_file`` and never changed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="control_file_accesses"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="file_accesses")
    reason = models.CharField(_("reason"), max_length=20, choices=AccessReason.choices)
    note = models.CharField(_("details"), max_length=200, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    full_numbers = models.BooleanField(_("full numbers shown"), default=False)

    objects = ControlQuerySet.as_manager()

    scope_unit_field = "person__residence_unit"
    scope_view_roles = (Role.OFFICE_ADMIN,)
    scope_actions = {"change": ()}

    class Meta:
        verbose_name = _("file access")
        verbose_name_plural = _("file accesses")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} · {self.person} · {self.get_reason_display()}"
