"""User administration in the menu (office administrators)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jindu.core.registry import menu_entry


@menu_entry(110, "accounts")
def _menu(user, scope):
    if not user.is_office_admin:
        return []
    return [(_("Users"), reverse("accounts:user_list"), "users")]
