from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from jindu.core.scoping import ScopedQuerySet, is_office

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
    # Set by the office for a system that reads people's records without opening files one by
    # one (e.g. the provincial platform); every read it makes is logged with this purpose.
    integration_purpose = models.CharField(
        _("integration purpose"), max_length=200, blank=True, default=""
    )
    # An initial password (set by the office) must be changed at the first login.
    must_change_password = models.BooleanField(_("must change password"), default=False)
    api_access = models.BooleanField(
        _("may use the REST API"),
        default=False,
        help_text=_(
            "For accounts of systems that integrate with Jindu. Office administrators always "
            "may; other accounts get an API token only when the office ticks this."
        ),
    )

    objects = ScopedUserManager()

    scope_unit_field = "unit"
    scope_actions = {"change": ()}  # only the office administrator manages accounts

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
        """``jindu.core.scoping.is_office`` for templates (``user.is_office_admin``)."""
        return is_office(self)

    @property
    def is_leader(self) -> bool:
        return self.effective_role == Role.LEADER

    @property
    def may_use_api(self) -> bool:
        """API tokens are for integration: the office, or accounts the office marks."""
        return is_office(self) or self.api_access

    def get_effective_role_display(self) -> str:
        return Role(self.effective_role).label


class ApiToken(models.Model):
    """An API token: named, one of several per user, with an expiry. Only its SHA-256 is
    stored (a stolen database holds no usable token); it is shown once, when issued. Revoked
    on a password change and on deactivation (``accounts.signals``)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("begins with"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("issued"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} · {self.name or self.prefix}"

    @property
    def is_live(self) -> bool:
        from django.utils import timezone

        return self.revoked_at is None and self.expires_at > timezone.now()


class PasswordHistory(models.Model):
    """The hashes of a user's recent passwords (for ``PasswordHistoryValidator``)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    password = models.CharField(max_length=128)
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("password history")
        verbose_name_plural = _("password history")

    def __str__(self) -> str:
        return f"{self.user_id} {self.changed_at:%Y-%m-%d}"
