from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from jindu.core.scoping import ScopedQuerySet

from .roles import Role


class ScopedUserManager(UserManager.from_queryset(ScopedQuerySet)):
    pass


class User(AbstractUser):
    """A person who works in the system. Belongs to one unit; the role decides the rest."""

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.TOWNSHIP)
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    objects = ScopedUserManager()

    scope_unit_field = "unit"
    scope_write_roles = ()  # only the office administrator manages accounts

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def effective_role(self) -> str:
        return Role.OFFICE_ADMIN if self.is_superuser else self.role

    @property
    def is_office_admin(self) -> bool:
        return self.effective_role == Role.OFFICE_ADMIN

    @property
    def is_leader(self) -> bool:
        return self.effective_role == Role.LEADER

    def get_effective_role_display(self) -> str:
        return Role(self.effective_role).label
