from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "jindu.api"
    label = "api"

    def ready(self):
        # Every date the API accepts (declared or from a model field) is kept within
        # filters.EARLIEST..LATEST: a date like 9999-12-31 means nothing here, and adding a
        # period to it overflows. One place rather than a check in each serializer.
        from rest_framework import serializers

        from .filters import check_date_range

        if getattr(serializers.DateField, "_jindu_bounded", False):
            return
        original = serializers.DateField.to_internal_value

        def to_internal_value(self, value):
            parsed = original(self, value)
            try:
                return check_date_range(parsed, self.field_name or "date")
            except serializers.ValidationError as exc:
                raise serializers.ValidationError(next(iter(exc.detail.values()))) from None

        serializers.DateField.to_internal_value = to_internal_value
        serializers.DateField._jindu_bounded = True

        # ... and every date-time, from 1901 (core.filters.EARLIEST_MOMENT says why).
        from .filters import check_moment_range

        original_moment = serializers.DateTimeField.to_internal_value

        def moment_to_internal_value(self, value):
            parsed = original_moment(self, value)
            try:
                return check_moment_range(parsed, self.field_name or "time")
            except serializers.ValidationError as exc:
                raise serializers.ValidationError(next(iter(exc.detail.values()))) from None

        serializers.DateTimeField.to_internal_value = moment_to_internal_value

        # Free text (a model TextField) has a maximum length over the API too: a 10 MB
        # "summary" is refused, not stored and copied into the audit trail.
        from django.conf import settings
        from django.db import models

        limit = getattr(settings, "FREE_TEXT_MAX_LENGTH", 5000)

        class BoundedTextField(serializers.CharField):
            def __init__(self, **kwargs):
                kwargs.setdefault("max_length", limit)
                super().__init__(**kwargs)

        serializers.ModelSerializer.serializer_field_mapping[models.TextField] = BoundedTextField

        # ... and on the pages: a model form's text area gets the same maximum.
        if not getattr(models.TextField, "_jindu_bounded", False):
            original_formfield = models.TextField.formfield

            def formfield(self, **kwargs):
                kwargs.setdefault("max_length", self.max_length or limit)
                return original_formfield(self, **kwargs)

            models.TextField.formfield = formfield
            models.TextField._jindu_bounded = True
