"""Issued documents (发文): generated once, at issue, from the facts of that moment, and kept.

A decision, briefing, report or notice that has left the office must never say something
else later: the bytes are stored with their SHA-256 and served as stored, whatever the
records say afterwards.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jindu.core.scoping import ScopedQuerySet


class DocumentKind(models.TextChoices):
    DECISION = "decision", _("Listing decision")
    BRIEFING = "briefing", _("Briefing on listed areas")
    ACCOUNTABILITY_REPORT = "accountability_report", _("Accountability report")
    INTERVIEW_NOTICE = "interview_notice", _("Interview notice")


class IssuedDocument(models.Model):
    kind = models.CharField(_("kind"), max_length=30, choices=DocumentKind.choices, db_index=True)
    number = models.CharField(_("document number"), max_length=80, blank=True)
    date = models.DateField(_("date of issue"))
    issuer = models.CharField(_("issuer"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    # The unit the document concerns; empty for the county's own documents (briefings,
    # reports), which only the county-wide roles see.
    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("unit concerned"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued_documents",
    )
    filename = models.CharField(_("file name"), max_length=200, unique=True)
    content_type = models.CharField(max_length=100)
    content = models.BinaryField()
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size"))
    # What it was issued for, e.g. ("rectification.Decision", "12").
    source_model = models.CharField(max_length=100, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    policy_id = models.CharField(_("policy"), max_length=60, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    scope_unit_field = "org_unit"
    scope_actions = {"change": ()}  # issued by services only, never edited

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "source_model", "source_id"],
                condition=~Q(source_id=""),
                name="one_document_per_kind_and_source",
            )
        ]

    def __str__(self) -> str:
        return self.number or self.filename

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("An issued document never changes; issue a new one instead.")
        super().save(*args, **kwargs)
