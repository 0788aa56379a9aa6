from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from jindu.core.errors import Refused
from jindu.core.scoping import CHANGE, VIEW, can, scope_for


def get_scoped_or_404(model, user, pk, action: str = VIEW):
    """The object if ``user`` may see it (else 404, as if it did not exist); for a change,
    403 when it is visible but not the user's to change."""
    obj = get_object_or_404(model._default_manager.restrict(user, VIEW), pk=pk)
    if action != VIEW and not can(user, action, obj):
        raise PermissionDenied
    return obj


def require_office_user(request) -> None:
    """Pages that are the office administrator's alone answer 403 to everyone else."""
    if not request.user.is_office_admin:
        raise PermissionDenied


def require_change(user, model) -> None:
    if not scope_for(user).may(CHANGE, model):
        raise PermissionDenied


def paginate(request, queryset, per_page: int = 25):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def apply_refusal(form, exc: Refused) -> None:
    """Show a service's refusal next to the fields it names (or above the form)."""
    placed = False
    for field, messages in (exc.errors or {}).items():
        for message in messages:
            form.add_error(field if field in form.fields else None, str(message))
            placed = True
    if not placed:
        form.add_error(None, str(exc.message))


def home(request):
    from django.utils import timezone

    from jindu.orgs import selectors

    from .dashboard import work_items

    return render(
        request,
        "core/home.html",
        {
            "summary": selectors.summary_for(request.user),
            "work": work_items(request.user, timezone.localdate()),
        },
    )


@require_GET
def favicon(request):
    # Resolved per request: the static manifest may not exist when URLs are first imported
    # (e.g. `manage.py migrate` on a fresh production checkout).
    from django.shortcuts import redirect
    from django.templatetags.static import static

    return redirect(static("favicon.svg"), permanent=True)


@require_GET
def healthz(request):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def attachment_download(request, pk: int):
    """A file, if the user may see the record it belongs to (else 404, like a missing one)."""
    from django.apps import apps
    from django.http import FileResponse, Http404

    from .models import Attachment

    attachment = get_object_or_404(Attachment, pk=pk)
    try:
        model = apps.get_model(attachment.model)
    except (LookupError, ValueError):
        raise Http404 from None
    if (
        not model._default_manager.restrict(request.user, VIEW)
        .filter(pk=attachment.object_id)
        .exists()
    ):
        raise Http404
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)
