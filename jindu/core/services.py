"""Platform actions shared by every area."""

from django.db import transaction

from jindu.audit import services as audit

from .models import Attachment


@transaction.atomic
def attach(actor, record, files, *, role: str = "") -> list[Attachment]:
    """Store uploaded files as attachments of ``record`` (the caller has checked access)."""
    saved = []
    for upload in files:
        attachment = Attachment(
            model=record._meta.label,
            object_id=str(record.pk),
            role=role,
            name=upload.name[:200],
            size=upload.size,
            uploaded_by=actor if actor else None,
        )
        attachment.file.save(upload.name, upload, save=False)
        attachment.save()
        audit.record_create(actor, attachment)
        saved.append(attachment)
    return saved


def attachments_of(record, role: str | None = None):
    queryset = Attachment.objects.filter(model=record._meta.label, object_id=str(record.pk))
    return queryset.filter(role=role) if role is not None else queryset
