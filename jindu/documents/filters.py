"""The issued documents' list, parsed once (``jindu.core.filters``): the page and
``GET /api/v1/documents/`` read the same FilterSet; the API alone names the unit and the
record a document was issued for."""

from __future__ import annotations

import django_filters as df
from django.utils.translation import gettext_lazy as _

from jindu.core.filters import IdFilter, SelectorFilterSet

from .models import DocumentKind, IssuedDocument


class DocumentFilter(SelectorFilterSet):
    kind = df.ChoiceFilter(label=_("Kind"), choices=DocumentKind.choices)
    org_unit = IdFilter(field_name="org_unit_id", label=_("Unit (id)"))
    source_model = df.CharFilter(label=_("Source record type"), max_length=100)
    source_id = df.CharFilter(label=_("Source record (id)"), max_length=64)

    api_only = ("org_unit", "source_model", "source_id")

    class Meta:
        model = IssuedDocument
        fields: list[str] = []
