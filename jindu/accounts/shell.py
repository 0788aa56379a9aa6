"""User administration in the menu (office administrators)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jindu.core.registry import menu_entry
from jindu.core.scoping import is_office


@menu_entry(110, "accounts")
def _menu(user, scope):
    if not is_office(user):
        return []
    return [(_("Users"), reverse("accounts:user_list"), "users")]
