"""The enforcement area's code lists that its pure parts read too (the rules, the rule-book
loader), declared once: the models take their choices from here."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseKind(models.TextChoices):
    CRIMINAL = "criminal", _("Criminal")
    ADMINISTRATIVE = "administrative", _("Administrative")
