"""Prevention and public participation: activities, fixtures, schools and class hours,
liaisons and population figures, and the anonymous satisfaction survey.

Codes (activity kind, 六进 setting, fixture kind …) are the rule book's; each record keeps the
id of the rule book that accepted it (``policy_id``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jindu.accounts.roles import Role
from jindu.core.models import Recorded
from jindu.core.scoping import ScopedQuerySet

# Population figures live in one store for every area (enforcement.Population: the tip
# participation indicator there, the targets here and the cockpit read it); prevention's page
# and API are its editor.
from jindu.enforcement.models import Population, PopulationKind  # noqa: F401


class Stage(models.TextChoices):
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior high school")
    SENIOR = "senior", _("Senior high school")
    VOCATIONAL = "vocational", _("Vocational school")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online (QR code)")
    PAPER = "paper", _("Paper questionnaire")
    PHONE = "phone", _("Telephone")


class Activity(Recorded):
    """A publicity or education activity (方案四（二）一是、四（三）一是至四是)."""

    policy_id = models.CharField(_("rule book"), max_length=60)
    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    setting = models.CharField(_("六进 setting"), max_length=20, blank=True)
    group = models.CharField(_("high-risk group"), max_length=40, blank=True)
    date = models.DateField(_("date"), db_index=True)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("where"), on_delete=models.PROTECT, related_name="+"
    )
    # The village/community the activity counts for (itself, or the village of its grid):
    # the coverage and mobilisation targets count by it with one index lookup per village.
    village = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("village/community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,  # the (village, date) index below serves it
    )
    organiser = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("organising member unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A session held at a venue of the enforcement area's register (娱乐场所从业人员, 进场所).
    venue = models.ForeignKey(
        "enforcement.Venue",
        verbose_name=_("venue"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="prevention_activities",
    )
    audience = models.CharField(_("audience"), max_length=200, blank=True)
    headcount = models.PositiveIntegerField(_("head count (受教育人次)"))
    materials = models.PositiveIntegerField(_("materials handed out"), default=0)
    pledges = models.PositiveIntegerField(_("pledges signed"), default=0)
    description = models.TextField(_("description"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_fields = ("org_unit", "organiser")
    scope_actions = {"change": (Role.TOWNSHIP, Role.MEMBER_UNIT)}

    class Meta:
        verbose_name = _("prevention activity")
        verbose_name_plural = _("prevention activities")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["org_unit", "date"]),
            models.Index(fields=["village", "date"]),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.kind} · {self.org_unit}"


class Fixture(Recorded):
    """A publicity window or board, warning sign or billboard, photographed on a date; each
    renewal is a new row, so the history stays."""

    policy_id = models.CharField(_("rule book"), max_length=60)
    kind = models.CharField(_("kind"), max_length=40)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("village/community"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    location = models.CharField(_("location"), max_length=200)
    photographed_on = models.DateField(_("photographed on"))

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "org_unit"
    scope_actions = {"change": (Role.TOWNSHIP,)}

    class Meta:
        verbose_name = _("publicity fixture")
        verbose_name_plural = _("publicity fixtures")
        ordering = ["-photographed_on", "-id"]
        indexes = [models.Index(fields=["org_unit", "kind", "photographed_on"])]

    def __str__(self) -> str:
        return f"{self.kind} · {self.location}"


class Liaison(models.Model):
    """The named anti-drug liaison (禁毒专干/联络员) of a village or community."""

    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("village/community"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=50)
    title = models.CharField(_("title"), max_length=50, blank=True)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "org_unit"
    scope_actions = {"change": (Role.TOWNSHIP,)}

    class Meta:
        verbose_name = _("anti-drug liaison")
        verbose_name_plural = _("anti-drug liaisons")
        ordering = ["org_unit", "-start_date"]

    def __str__(self) -> str:
        return f"{self.name} · {self.org_unit}"


class School(models.Model):
    name = models.CharField(_("name"), max_length=100)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("township/village"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    supervisor = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("supervising unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    # The township sees the schools in it; the 教育局 (a member unit) sees all it supervises.
    scope_unit_fields = ("org_unit", "supervisor")
    scope_actions = {"change": (Role.MEMBER_UNIT,)}

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["org_unit__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "name"], name="one_school_name_per_unit")
        ]

    def __str__(self) -> str:
        return self.name


class SchoolClass(models.Model):
    school = models.ForeignKey(
        School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="classes"
    )
    school_year = models.CharField(_("school year"), max_length=9)
    grade = models.PositiveSmallIntegerField(_("grade"))
    name = models.CharField(_("class"), max_length=50)
    students = models.PositiveIntegerField(_("students"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope_unit_fields = ("school__org_unit", "school__supervisor")
    scope_actions = {"change": (Role.MEMBER_UNIT, Role.SCHOOL)}

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["school", "school_year", "grade", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "name"], name="one_class_name_per_school_year"
            )
        ]
        indexes = [models.Index(fields=["school_year", "grade"])]

    def __str__(self) -> str:
        return f"{self.school} {self.school_year} {self.name}"


class Lesson(Recorded):
    school_class = models.ForeignKey(
        SchoolClass,
        verbose_name=_("class"),
        on_delete=models.PROTECT,
        related_name="lessons",
        db_index=False,  # the (school_class, hours) index below serves it
    )
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("class hours"), max_digits=3, decimal_places=1)
    topic = models.CharField(_("topic"), max_length=200)
    teacher_name = models.CharField(_("teacher"), max_length=50)
    policy_id = models.CharField(_("rule book"), max_length=60)

    objects = ScopedQuerySet.as_manager()
    scope_unit_fields = ("school_class__school__org_unit", "school_class__school__supervisor")
    scope_actions = {"change": (Role.MEMBER_UNIT, Role.SCHOOL)}

    class Meta:
        verbose_name = _("drug-prevention lesson")
        verbose_name_plural = _("drug-prevention lessons")
        ordering = ["-date", "-id"]
        # A class's recorded hours are summed from the index alone (index-only scan).
        indexes = [models.Index(fields=["school_class", "hours"])]

    def __str__(self) -> str:
        return f"{self.school_class} {self.date} {self.hours}"


class SchoolRecord(models.Model):
    """五个一 and 五创新 activities, teacher training, 示范学校 creation (kinds: the rule book)."""

    school = models.ForeignKey(
        School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="records"
    )
    kind = models.CharField(_("kind"), max_length=40)
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=40, blank=True)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    policy_id = models.CharField(_("rule book"), max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_fields = ("school__org_unit", "school__supervisor")
    scope_actions = {"change": (Role.MEMBER_UNIT, Role.SCHOOL)}

    class Meta:
        verbose_name = _("school prevention record")
        verbose_name_plural = _("school prevention records")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.school} {self.kind} {self.date}"


class QingjiaoFigures(models.Model):
    """A school's 青骄第二课堂 figures for a school year, imported from the platform's Excel."""

    school = models.ForeignKey(
        School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="qingjiao"
    )
    school_year = models.CharField(_("school year"), max_length=9)
    students = models.PositiveIntegerField(_("students"))
    registered = models.PositiveIntegerField(_("registered students"))
    participating = models.PositiveIntegerField(_("participating students"))
    contest_passed = models.PositiveIntegerField(_("contest passed"), default=0)
    contest_full_score = models.PositiveIntegerField(_("contest full score"), default=0)
    contest_average = models.DecimalField(
        _("contest average"), max_digits=5, decimal_places=1, null=True
    )
    source_file = models.CharField(_("imported from"), max_length=200, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_fields = ("school__org_unit", "school__supervisor")
    scope_actions = {"change": (Role.MEMBER_UNIT,)}

    class Meta:
        verbose_name = _("青骄第二课堂 figures")
        verbose_name_plural = _("青骄第二课堂 figures")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year"], name="one_qingjiao_per_school_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.school_year}"

    @property
    def registration_rate(self) -> float | None:
        return None if not self.students else round(100 * self.registered / self.students, 1)

    @property
    def participation_rate(self) -> float | None:
        return None if not self.students else round(100 * self.participating / self.students, 1)


class SurveyQuerySet(ScopedQuerySet):
    def restrict(self, user, action: str = "view"):
        """A survey is the county's definition (questions, period), not any unit's record:
        everyone with a jurisdiction may read it; answers stay scoped (SurveyResponse)."""
        from jindu.core.scoping import VIEW, scope_for

        scope = scope_for(user)
        if action == VIEW and not scope.is_empty:
            return self
        return super().restrict(user, action)


class Survey(models.Model):
    """The office's satisfaction survey (第五条): the rule book's questions copied at creation,
    so a later rule book never changes what was asked."""

    title = models.CharField(_("title"), max_length=200)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    questions = models.JSONField(_("questions"))
    min_sample = models.PositiveIntegerField(_("minimum sample per township"))
    policy_id = models.CharField(_("rule book"), max_length=60)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SurveyQuerySet.as_manager()
    scope_unit_field = "org_unit"

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-period_start", "-id"]

    def __str__(self) -> str:
        return self.title


class SurveyResponse(models.Model):
    """One anonymous answer sheet: the township it was answered for, the day, the channel and
    the answers — no name, phone number, IP address or time of day."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    org_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("township"), on_delete=models.PROTECT, related_name="+"
    )
    answered_on = models.DateField(_("answered on"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    answers = models.JSONField(_("answers"))
    # The response's contribution to the rates (rules.score_answers), so results are sums.
    satisfaction_answers = models.PositiveSmallIntegerField(default=0)
    satisfied = models.PositiveSmallIntegerField(default=0)
    awareness_answers = models.PositiveSmallIntegerField(default=0)
    aware = models.PositiveSmallIntegerField(default=0)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "org_unit"
    scope_actions = {"change": (Role.TOWNSHIP,)}

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-answered_on", "-id"]
        indexes = [models.Index(fields=["survey", "org_unit"])]

    def __str__(self) -> str:
        return f"{self.survey} · {self.org_unit} · {self.answered_on}"


class AnswerThrottle(models.Model):
    """How many answers one connection sent to a survey's township page within the repeat
    window: ``key`` is a salted hash of (address, browser, survey, township) whose salt lives
    only for the window (``web/survey.py``), so a row cannot be turned back into an address;
    expired rows are deleted. One upsert per answer (``throttle.hit``)."""

    key = models.CharField(max_length=64, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("answer throttle")
        verbose_name_plural = _("answer throttles")

    def __str__(self) -> str:
        return f"{self.key[:8]}… {self.count}"


class SchoolAccount(models.Model):
    """A school's own login (学校账号, issue 14): a user of the school role, bound to one
    school; it records its own classes and lessons and sees nothing else. Created by the
    office or the education bureau (``services.create_school_account``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="school_account",
    )
    school = models.ForeignKey(
        School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="accounts"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_fields = ("school__org_unit", "school__supervisor")
    scope_actions = {"change": (Role.MEMBER_UNIT,)}

    class Meta:
        verbose_name = _("school account")
        verbose_name_plural = _("school accounts")
        ordering = ["school", "user__username"]

    def __str__(self) -> str:
        return f"{self.school} · {self.user}"
