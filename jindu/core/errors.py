"""Errors a service raises when it refuses an action. Messages are Chinese-ready (gettext)."""

from django.utils.translation import gettext_lazy as _


class Refused(Exception):
    """A business action was refused; nothing was changed.

    ``field`` names the form field the message belongs to, if any; ``basis`` lists the articles
    that refuse it (e.g. ``["第十三条"]``); ``status`` is the HTTP status the API answers with.
    """

    status = 400

    def __init__(self, message, *, field: str | None = None, basis=None, errors=None, extra=None):
        super().__init__(str(message))
        # More keys for the API's answer, e.g. {"missing": ["mechanisms"]}.
        self.extra = dict(extra or {})
        self.message = message
        self.field = field
        self.basis = list(basis or [])
        # Several problems at once: {field: [messages]} (e.g. a whole form's validation).
        self.errors = errors or ({field: [message]} if field else {})


class Conflict(Refused):
    status = 409


class NotAllowed(Refused):
    status = 403

    def __init__(self, message=None, **kwargs):
        super().__init__(message or _("You do not have permission to do this."), **kwargs)
