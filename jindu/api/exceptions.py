"""Every API error is JSON with a ``detail`` message (in the request's language)."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from jindu.core.errors import Refused


def _first_message(data) -> str:
    if isinstance(data, dict):
        for key, value in data.items():
            msg = _first_message(value)
            if msg:
                return msg if key in ("non_field_errors", "detail") else f"{key}: {msg}"
        return ""
    if isinstance(data, (list, tuple)):
        return _first_message(data[0]) if data else ""
    return str(data)


def exception_handler(exc, context):
    if isinstance(exc, Refused):
        body = {"detail": str(exc.message)}
        if exc.basis:
            body["basis"] = exc.basis
        if exc.errors:
            body["errors"] = {k: [str(m) for m in v] for k, v in exc.errors.items()}
        for key, value in getattr(exc, "extra", {}).items():
            body.setdefault(key, value)
        return Response(body, status=exc.status)
    if isinstance(exc, DjangoValidationError):
        errors = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return Response(
            {"detail": _first_message(errors), "errors": errors}, status=status.HTTP_400_BAD_REQUEST
        )
    if isinstance(exc, Http404):
        return Response({"detail": _("Not found.")}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, PermissionDenied):
        return Response(
            {"detail": _("You do not have permission to do this.")},
            status=status.HTTP_403_FORBIDDEN,
        )
    response = drf_exception_handler(exc, context)
    if (
        response is not None
        and isinstance(response.data, (dict, list))
        and (not isinstance(response.data, dict) or "detail" not in response.data)
    ):
        response.data = {"detail": _first_message(response.data), "errors": response.data}
    return response
