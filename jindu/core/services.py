"""Platform actions shared by every area."""

from django.db import transaction
from django.utils.translation import gettext as _

from jindu.audit import services as audit

from .errors import Refused
from .models import Attachment

# What may be attached anywhere (the page forms and the API check the same list here).
MAX_FILE_BYTES = 20 * 1024 * 1024
ALLOWED_SUFFIXES = (
    ".pdf",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".jpg",
    ".jpeg",
    ".png",
    ".zip",
    ".txt",
    ".ofd",
    ".wps",
)


def check_uploads(files, *, field: str = "files") -> None:
    """Refuse a file that is too large or of a kind we do not keep, naming it."""
    for upload in files:
        if upload.size > MAX_FILE_BYTES:
            raise Refused(_("%(name)s is larger than 20 MB.") % {"name": upload.name}, field=field)
        if not upload.name.lower().endswith(ALLOWED_SUFFIXES):
            raise Refused(
                _("%(name)s: only PDF, Word, Excel, images, OFD/WPS, text or ZIP files.")
                % {"name": upload.name},
                field=field,
            )


@transaction.atomic
def attach(actor, record, files, *, role: str = "", field: str = "files") -> list[Attachment]:
    """Store uploaded files as attachments of ``record`` (the caller has checked access).

    Every file is checked first (``check_uploads``), so one bad file stores none."""
    files = list(files)
    check_uploads(files, field=field)
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
