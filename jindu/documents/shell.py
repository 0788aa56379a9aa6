"""Issued documents in the menu, for those who receive them."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jindu.core.registry import menu_entry
from jindu.core.roles import Role


@menu_entry(45, "documents")
def _menu(user, scope):
    # The county's roles and the townships (decisions about them) receive documents.
    if not (scope.everything or scope.role == Role.TOWNSHIP):
        return []
    return [(_("Issued documents"), reverse("documents:list"), "documents")]
