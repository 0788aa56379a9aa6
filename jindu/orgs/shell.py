"""The organisation in the menu."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jindu.core.registry import menu_entry, page_context


@menu_entry(100, "orgs")
def _menu(user, scope):
    if scope.is_empty:
        return []
    return [(_("Organisation"), reverse("orgs:unit_list"), "orgs")]


@page_context("core.home", "orgs.summary")
def _home_summary(user):
    from .selectors import summary_for

    return {"summary": summary_for(user)}
