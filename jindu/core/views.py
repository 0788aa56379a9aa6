from django.core.exceptions import PermissionDenied
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


def local_target(request, target: str, default: str = "") -> str:
    """``target`` (a ``next`` address a link or form names) when it leads to this site, else
    ``default``: a page never sends the user on to an address someone else chose."""
    from django.utils.http import url_has_allowed_host_and_scheme

    allowed = url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else default


def query_id(request, name: str) -> int | None:
    """An id a link names in a page's query string to prefill a form (``?org_unit=7``), or
    None when the value is not one: a whole number from 1 to the largest a database holds
    (a larger one overflowed SQLite's integers when the form looked it up: a 500)."""
    from .filters import MAX_ID

    raw = request.GET.get(name, "")
    if not raw.isdigit() or not 0 < int(raw) <= MAX_ID:
        return None
    return int(raw)


def require_office_user(request) -> None:
    """Pages that are the office administrator's alone answer 403 to everyone else."""
    from .scoping import is_office

    if not is_office(request.user):
        raise PermissionDenied


def require_change(user, model) -> None:
    if not scope_for(user).may(CHANGE, model):
        raise PermissionDenied


def paginate(request, queryset, per_page: int = 25):
    """One page of a list page. Past a few thousand rows the count is PostgreSQL's estimate
    and the page says so ("约", ``page.paginator.estimated``): ``core.pagination``."""
    from .pagination import EstimatingPaginator

    return EstimatingPaginator(queryset, per_page).get_page(request.GET.get("page"))


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

    from .dashboard import panels, work_items
    from .registry import home_actions, page_extra

    return render(
        request,
        "core/home.html",
        {
            # The organisation's counts ("summary") come from orgs' shell.
            **page_extra("core.home", request.user),
            "actions": home_actions(request.user, scope_for(request.user)),
            "work": work_items(request.user, timezone.localdate()),
            "panels": panels(request.user, timezone.localdate()),
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


@require_GET
def pick(request, source: str):
    """The picker endpoint: what the user may choose of ``source`` matching ``q`` (JSON)."""
    from django.http import Http404, JsonResponse

    from . import pickers

    found = pickers.get_source(source)
    if found is None:
        raise Http404
    q = request.GET.get("q", "")[:50]
    rows = found.search(request.user, q, request.GET)[: pickers.LIMIT]
    return JsonResponse({"results": [found.choice(obj).as_json() for obj in rows]})


def job(request, pk: int):
    """A background job's page: a progress bar polled by HTMX while it runs, then its result
    (rendered by the template its area registered). A job is its user's alone."""
    from django.http import Http404

    from . import jobs
    from .models import BackgroundJob

    found = BackgroundJob.objects.filter(pk=pk, user=request.user).defer("payload").first()
    if found is None:
        raise Http404
    runner = jobs.runner(found.kind)
    context = {
        "job": found,
        "result_template": runner.template if runner else "",
        "report": found.result,
    }
    if request.headers.get("HX-Request"):
        return render(request, "core/job_progress.html", context)
    return render(request, "core/job.html", context)
