"""The accounts' API list, parsed once (``jindu.core.filters``): a bad value answers 400
naming the parameter, and the schema lists it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from jindu.core.filters import IdFilter, SelectorFilterSet

from . import tokens
from .models import ApiToken


@extend_schema_field({"type": "integer", "description": "office only"})
class _OfficeOnlyIdFilter(IdFilter):
    """An id the office alone may filter by (the schema says so)."""


class TokenFilter(SelectorFilterSet):
    """``GET /api/v1/auth/tokens/``: the office may name one user's tokens."""

    user = _OfficeOnlyIdFilter(label=_("User (id)"))

    class Meta:
        model = ApiToken
        fields: list[str] = []

    def select(self, queryset, *, user=None):
        # The queryset is the caller's visible tokens already; the selector narrows them.
        return tokens.visible_tokens(self.user, user_id=user)
