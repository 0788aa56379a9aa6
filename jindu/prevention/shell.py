"""Prevention in the menu and on the home page."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jindu.core.registry import menu_entry

from .access import may_see_prevention


@menu_entry(80, "prevention")
def _menu(user, scope):
    if not may_see_prevention(user):
        return []
    return [(_("Prevention"), reverse("prevention:home"), "prevention")]
