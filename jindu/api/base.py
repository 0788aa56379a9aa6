"""The REST layer's base classes: every endpoint reads through the scoping layer."""

from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS

from jindu.core.errors import Refused
from jindu.core.scoping import CHANGE, VIEW, can


class ScopedViewSetMixin:
    """``queryset`` is narrowed to what the user may see; changing a visible object the user
    may not change answers 403, an invisible one 404 (it is answered as if it did not exist)."""

    def get_queryset(self):
        return super().get_queryset().restrict(self.request.user, VIEW)

    def get_object(self):
        obj = super().get_object()
        if self.request.method not in SAFE_METHODS and not can(self.request.user, CHANGE, obj):
            raise PermissionDenied()
        return obj


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A related id the user must be able to see; others are reported as not existing."""

    def get_queryset(self):
        request = self.context.get("request")
        queryset = super().get_queryset()
        return queryset.restrict(request.user if request else None, VIEW)


def refused_to_validation(exc: Refused) -> serializers.ValidationError:
    if exc.errors:
        return serializers.ValidationError({k: [str(m) for m in v] for k, v in exc.errors.items()})
    return serializers.ValidationError({"non_field_errors": [str(exc.message)]})


def call_service(fn, *args, **kwargs):
    """Run a service; validation refusals become 400 field errors, others keep their status
    (the exception handler maps them: 403, 404, 409 with ``basis``)."""
    try:
        return fn(*args, **kwargs)
    except Refused as exc:
        if exc.status == 400:
            raise refused_to_validation(exc) from exc
        raise


class CreateViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """List, read and create through services; no update or delete unless a subclass adds it."""
