"""``{% available_actions user obj as actions %}``: the named actions the user may take on
the object now (jindu.core.permissions), so a template shows exactly those."""

from django import template

from jindu.core import scoping

register = template.Library()


@register.simple_tag
def available_actions(user, obj):
    return scoping.available_actions(user, obj)
