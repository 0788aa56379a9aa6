"""The county's organisation: one tree of geographic units plus departments and stations.

Geographic units form the tree county → township/park → village/community → grid. Member
units (成员单位) and police stations / judicial offices hang under the county; a station
covers one or more townships, which is what lets its staff see those townships' records.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jindu.core.scoping import ScopedQuerySet


def _keep_search_key(obj, source: str, save_kwargs: dict) -> None:
    """Recompute ``search_key`` from ``source`` on every save that writes the name."""
    from jindu.core.search import search_key

    obj.search_key = search_key(getattr(obj, source))
    fields = save_kwargs.get("update_fields")
    if fields is not None and source in fields:
        save_kwargs["update_fields"] = {*fields, "search_key"}


class UnitKind(models.TextChoices):
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    PARK = "park", _("Industrial park")
    VILLAGE = "village", _("Village")
    COMMUNITY = "community", _("Community")
    GRID = "grid", _("Grid")
    MEMBER_UNIT = "member_unit", _("Member unit")
    POLICE_STATION = "police_station", _("Police station")
    JUDICIAL_OFFICE = "judicial_office", _("Judicial office")


class UnitLevel(models.TextChoices):
    COUNTY = "county", _("County level")
    TOWNSHIP = "township", _("Township level")
    VILLAGE = "village", _("Village level")
    GRID = "grid", _("Grid level")
    DEPARTMENT = "department", _("Department")
    STATION = "station", _("Station")


GEOGRAPHIC_LEVELS = (UnitLevel.COUNTY, UnitLevel.TOWNSHIP, UnitLevel.VILLAGE, UnitLevel.GRID)


class OrgUnitQuerySet(ScopedQuerySet):
    def geographic(self):
        return self.filter(level__in=GEOGRAPHIC_LEVELS)

    def member_units(self):
        return self.filter(kind=UnitKind.MEMBER_UNIT)

    def stations(self):
        return self.filter(level=UnitLevel.STATION)

    def townships(self):
        return self.filter(level=UnitLevel.TOWNSHIP)

    def subtree_of(self, unit: "OrgUnit"):
        return self.filter(path__startswith=unit.path)


class OrgUnit(models.Model):
    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        help_text=_("12-digit statistical division code for geographic units."),
    )
    name = models.CharField(_("name"), max_length=100)
    # Pinyin initials of the name (core.search): the picker's indexed prefix search.
    search_key = models.CharField(max_length=60, blank=True, db_index=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    level = models.CharField(_("level"), max_length=20, choices=UnitLevel.choices, editable=False)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of primary keys ("/1/27/301/"): a subtree is one indexed prefix match.
    path = models.CharField(max_length=255, db_index=True, editable=False)
    covers = models.ManyToManyField(
        "self",
        verbose_name=_("townships covered"),
        symmetrical=False,
        blank=True,
        related_name="covered_by",
        limit_choices_to=Q(level=UnitLevel.TOWNSHIP),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = OrgUnitQuerySet.as_manager()

    scope_path_field = "path"

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        ordering = ["path"]
        indexes = [models.Index(fields=["level", "kind"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        _keep_search_key(self, "name", kwargs)
        super().save(*args, **kwargs)

    @property
    def is_geographic(self) -> bool:
        return self.level in GEOGRAPHIC_LEVELS

    @property
    def depth(self) -> int:
        return self.path.strip("/").count("/")

    def ancestors(self):
        ids = [int(pk) for pk in self.path.strip("/").split("/")[:-1] if pk]
        return OrgUnit.objects.filter(pk__in=ids).order_by("path")

    def township(self) -> "OrgUnit | None":
        """The township (or park) this unit belongs to, itself included."""
        if self.level == UnitLevel.TOWNSHIP:
            return self
        if self.level in (UnitLevel.VILLAGE, UnitLevel.GRID):
            return self.ancestors().filter(level=UnitLevel.TOWNSHIP).first()
        return None


class PositionRole(models.TextChoices):
    FIRST_RESPONSIBLE = "first_responsible", _("First responsible person")
    DIRECT_RESPONSIBLE = "direct_responsible", _("Direct responsible person")
    COMMITTEE_DIRECTOR = "committee_director", _("Anti-drug committee director")
    OFFICE_DIRECTOR = "office_director", _("Anti-drug office director")


class PositionQuerySet(ScopedQuerySet):
    def current(self, on=None):
        from django.utils import timezone

        on = on or timezone.localdate()
        return self.filter(start_date__lte=on).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=on)
        )


class Position(models.Model):
    """One holder's tenure of a leadership role in a unit; history is kept, never overwritten.

    Article 30(3) of the Measures turns on how long a holder had been in post before a
    listing, so start and end dates are facts, not decoration.
    """

    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="positions"
    )
    role = models.CharField(_("role"), max_length=30, choices=PositionRole.choices)
    title = models.CharField(
        _("post title"), max_length=60, blank=True, help_text=_("e.g. 党委书记, 镇长, 分管副镇长")
    )
    holder_name = models.CharField(_("holder"), max_length=50)
    search_key = models.CharField(max_length=60, blank=True, db_index=True, editable=False)
    start_date = models.DateField(_("tenure start"))
    end_date = models.DateField(_("tenure end"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    holder_email = models.EmailField(
        _("holder's e-mail"),
        blank=True,
        help_text=_(
            "Overdue obligations of the unit are escalated to the first responsible "
            "person at this address."
        ),
    )

    objects = PositionQuerySet.as_manager()

    scope_unit_field = "org_unit"

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["org_unit__path", "role", "-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="position_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.org_unit} {self.get_role_display()} {self.holder_name}"

    def save(self, *args, **kwargs):
        _keep_search_key(self, "holder_name", kwargs)
        super().save(*args, **kwargs)

    @property
    def is_current(self) -> bool:
        from django.utils import timezone

        today = timezone.localdate()
        return self.start_date <= today and (self.end_date is None or self.end_date >= today)
