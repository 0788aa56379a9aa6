"""The person's file (查询事由): opened with a stated reason, each opening logged, granted for
30 minutes in the session; what is in it, and the guard that sends a page needing the file to
the reason page first."""

import time
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jindu.accounts import otp
from jindu.core.errors import Refused
from jindu.core.scoping import CHANGE, available_actions, can
from jindu.core.views import get_scoped_or_404, local_target

from .. import forms as f
from .. import selectors
from ..models import Person
from ..policy import control_policy
from ..services import registry
from . import refusal_context, require_control

SESSION_KEY = "control_file_grants"


@dataclass(frozen=True)
class OpenedFile:
    """What the opening granted: the numbers as ``open_file`` decided to show them."""

    id_number: str
    phone: str
    full_id_number: bool
    opened_at: float


def _grants(request) -> dict:
    grants = request.session.get(SESSION_KEY, {})
    now = time.time()
    return {k: v for k, v in grants.items() if registry.grant_is_open(v.get("at", 0), now)}


def _grant(request, person: Person, opened: registry.PersonFile) -> None:
    grants = _grants(request)
    grants[str(person.pk)] = {
        "at": time.time(),
        "access": opened.access.pk,
        "full_id": opened.full_id_number,
        "full_phone": bool(opened.phone) and opened.phone != person.phone_masked,
    }
    request.session[SESSION_KEY] = grants


def opened_file(request, person: Person) -> OpenedFile | None:
    grant = _grants(request).get(str(person.pk))
    if grant is None:
        return None
    return OpenedFile(
        id_number=person.id_number if grant["full_id"] else person.id_masked,
        phone=person.phone if grant["full_phone"] else person.phone_masked,
        full_id_number=grant["full_id"],
        opened_at=grant["at"],
    )


@require_http_methods(["GET", "POST"])
def person_detail(request, pk: int):
    require_control(request.user)
    person = get_scoped_or_404(Person, request.user, pk)
    opened = opened_file(request, person)
    if opened is not None and opened.full_id_number and otp.recheck_due(request):
        # A full identity number: the second factor again if the last check is old.
        return redirect(f"{reverse('accounts:otp')}?next={request.path}")
    if opened is None or request.method == "POST":
        form = f.OpenFileForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = registry.open_file(request.user, person, **form.cleaned_data)
            except Refused as exc:
                refusal_context(form, exc)
            else:
                _grant(request, person, result)
                if target := local_target(request, request.GET.get("next", "")):
                    return redirect(target)
                return redirect("control:person_detail", pk=person.pk)
        return render(request, "control/file_open.html", {"person": person, "form": form})
    return render(request, "control/person_detail.html", _file_context(request, person, opened))


def _file_context(request, person: Person, opened: OpenedFile) -> dict:
    today = timezone.localdate()
    context = selectors.person_file(request.user, person, today)
    can_change = can(request.user, CHANGE, person)
    # Each leave and follow-up carries the named actions the user may take on it now (the
    # file's change rights, the role and the record's state): the page offers exactly those.
    for key in ("leaves", "follow_ups"):
        context[key] = list(context[key])
        for item in context[key]:
            item.actions = (
                available_actions(request.user, item, known_visible=True) if can_change else ()
            )
    return {
        **context,
        "file": opened,
        "today": today,
        "can_change": can_change,
        "articles": control_policy().articles,
    }


def unless_opened(request, person: Person):
    """Pages that show or change what is in the file need the file opened with a reason
    first (the opening is what is logged): otherwise, to the reason page and back."""
    if opened_file(request, person) is not None:
        return None
    messages.info(request, _("Open the file first, giving the reason."))
    detail = reverse("control:person_detail", args=[person.pk])
    return redirect(f"{detail}?{urlencode({'next': request.get_full_path()})}")


urlpatterns = [
    path("persons/<int:pk>/", person_detail, name="person_detail"),
]
