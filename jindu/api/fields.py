"""Serializer fields every area's API uses: a code list documented as its codes, and a
protected number written in full and read masked."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field(OpenApiTypes.STR)
class CodeField(serializers.ChoiceField):
    """A choice documented as a string listing its codes, without an enum component of its own:
    the names ``level``, ``status`` and ``result`` already name other areas' choice sets, and
    the schema generator would warn about the clash (the deploy check fails on warnings)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        codes = ", ".join(str(c) for c in self.choices)
        self.help_text = f"{self.help_text or ''} One of: {codes}.".strip()


class MaskedField(serializers.CharField):
    """Written in full, read masked (from the model's masked copy)."""

    def __init__(self, masked_attr: str, **kwargs):
        self.masked_attr = masked_attr
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return getattr(instance, self.masked_attr)
