"""Password rules of 等保 level 3 (GB/T 22239-2019 8.1.4.1 a): length (Django's own
validator, 10), several character classes, and no reuse of recent passwords."""

import re

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CLASSES = (
    re.compile(r"[A-Z]"),
    re.compile(r"[a-z]"),
    re.compile(r"[0-9]"),
    re.compile(r"[^A-Za-z0-9]"),
)


class CharacterClassesValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        found = sum(1 for pattern in CLASSES if pattern.search(password or ""))
        if found < self.min_classes:
            raise ValidationError(
                _(
                    "The password must contain at least %(n)d of: capital letters, small "
                    "letters, digits, symbols."
                )
                % {"n": self.min_classes},
                code="password_classes",
            )

    def get_help_text(self):
        return _("At least %(n)d of: capital letters, small letters, digits, symbols.") % {
            "n": self.min_classes
        }


class PasswordHistoryValidator:
    """Refuse the current password and the last ``keep`` ones (their hashes are kept in
    ``PasswordHistory`` by ``password_changed``)."""

    def __init__(self, keep: int = 5):
        self.keep = keep

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        from .models import PasswordHistory

        hashes = [user.password] if user.password else []
        hashes += list(
            PasswordHistory.objects.filter(user=user)
            .order_by("-id")
            .values_list("password", flat=True)[: self.keep]
        )
        if any(check_password(password, h) for h in hashes if h):
            raise ValidationError(
                ngettext(
                    "The password must differ from the last password.",
                    "The password must differ from the last %(n)d passwords.",
                    self.keep,
                )
                % {"n": self.keep},
                code="password_reused",
            )

    def password_changed(self, password, user=None):
        if user is None or user.pk is None:
            return
        from .models import PasswordHistory

        PasswordHistory.objects.create(user=user, password=user.password)
        stale = PasswordHistory.objects.filter(user=user).order_by("-id")[self.keep :]
        PasswordHistory.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()

    def get_help_text(self):
        return _("Not one of your recent passwords.")
