"""``{% available_actions user obj as actions %}``: the named actions the user may take on
the object now (jindu.core.permissions), so a template shows exactly those; and
``user|sees:"app.Model"``: whether the user's role sees that list at all
(``jindu.core.scoping.sees``), so no template compares a role."""

from django import template
from django.apps import apps

from jindu.core import scoping

register = template.Library()


@register.simple_tag
def available_actions(user, obj):
    return scoping.available_actions(user, obj)


@register.filter
def sees(user, model_label: str) -> bool:
    return scoping.sees(user, apps.get_model(model_label))
