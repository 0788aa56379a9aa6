"""Core's own menu entries: home, and the audit trail (office administrators)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .registry import menu_entry
from .scoping import is_office


@menu_entry(10, "core.home")
def _home(user, scope):
    return [(_("Home"), reverse("home"), "home")]


@menu_entry(120, "audit")
def _audit(user, scope):
    if not is_office(user):
        return []
    return [(_("Audit trail"), reverse("audit:event_list"), "audit")]
