"""Issuing a document: store the bytes once, with number, date, issuer and SHA-256."""

from __future__ import annotations

import datetime
import hashlib
import re

from django.db import transaction

from jindu.audit import services as audit
from jindu.audit.models import AuditAction

from .models import IssuedDocument

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Documents issued on request (not as part of another record): kind → service(actor, *,
# date_from, date_to). The area owning the records registers its own (accountability: the
# briefing of art. 28 and the report of art. 33), so this app imports no area above it.
ISSUERS: dict = {}


def register_issuer(kind: str, service) -> None:
    ISSUERS[kind] = service


def _slug(text: str) -> str:
    """A file-name-safe form of a document number (衡禁毒委〔2026〕3号 stays readable)."""
    return re.sub(r"[\\/:*?\"<>|\s]+", "-", text).strip("-")[:80]


def source_of(obj) -> tuple[str, str]:
    return (obj._meta.label, str(obj.pk)) if obj is not None else ("", "")


def issued_for(kind: str, obj) -> IssuedDocument | None:
    """The document of ``kind`` already issued for ``obj`` (a decision, a measure), if any."""
    model, pk = source_of(obj)
    return IssuedDocument.objects.filter(kind=kind, source_model=model, source_id=pk).first()


@transaction.atomic
def issue(
    actor,
    *,
    kind: str,
    number: str,
    date: datetime.date,
    issuer: str,
    title: str,
    content: bytes,
    org_unit=None,
    source=None,
    policy_id: str = "",
    content_type: str = DOCX,
    extension: str = "docx",
) -> IssuedDocument:
    """Keep ``content`` as issued. A document already issued for ``source`` is returned as
    it is: a document is issued once."""
    if source is not None and (existing := issued_for(kind, source)) is not None:
        return existing
    model, pk = source_of(source)
    document = IssuedDocument(
        kind=kind,
        number=number.strip(),
        date=date,
        issuer=issuer,
        title=title[:200],
        org_unit=org_unit,
        # Unique until the id is known (then: number or kind, date and id).
        filename=f"pending-{hashlib.sha256(content).hexdigest()}-{datetime.datetime.now().timestamp()}",
        content_type=content_type,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        source_model=model,
        source_id=pk,
        policy_id=policy_id,
        issued_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    document.save()
    stem = _slug(document.number) or kind
    document.filename = f"{stem}-{date.isoformat()}-{document.pk}.{extension}"
    IssuedDocument.objects.filter(pk=document.pk).update(filename=document.filename)
    audit.record(
        actor,
        AuditAction.CREATE,
        document,
        changes=audit.diff({}, audit.snapshot(document, exclude=("content",))),
    )
    return document
