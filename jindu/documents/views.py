from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from jindu.core.views import get_scoped_or_404, paginate

from .filters import DocumentFilter
from .models import IssuedDocument


def serve(document: IssuedDocument) -> HttpResponse:
    """The stored bytes, as issued (never regenerated)."""
    response = HttpResponse(bytes(document.content), content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(True, document.filename)
    response["ETag"] = f'"{document.sha256}"'
    response["X-Content-SHA256"] = document.sha256
    return response


def document_file(request, pk: int, filename: str = ""):
    return serve(get_scoped_or_404(IssuedDocument, request.user, pk))


def document_list(request):
    documents = DocumentFilter(
        request.GET or None,
        IssuedDocument.objects.restrict(request.user).select_related("org_unit").defer("content"),
        request=request,
        page=True,
    ).qs
    return render(request, "documents/list.html", {"page": paginate(request, documents)})
