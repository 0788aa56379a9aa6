"""Registering a person and correcting the entry (the file must be open to correct it); a
duplicate identity number links to the existing record only if the user may see it."""

from typing import Any

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jindu.core.errors import Refused
from jindu.core.scoping import CHANGE
from jindu.core.views import get_scoped_or_404, require_change

from .. import forms as f
from ..models import Person
from ..services import registry
from . import refusal_context, require_control
from .person_file import unless_opened


def _duplicate(form, exc: registry.DuplicatePerson) -> None:
    """Next to the number: the existing record's link when the user may see it, else the
    service's "needs the county office" message (which confirms nothing)."""
    form.add_error("id_number", str(exc.message))
    if exc.existing_id is not None:
        form.existing_url = reverse("control:person_detail", args=[exc.existing_id])


@require_http_methods(["GET", "POST"])
def person_create(request):
    require_control(request.user)
    require_change(request.user, Person)
    form = f.PersonForm(request.POST or None, user=request.user)
    context: dict[str, Any] = {}
    if request.method == "POST" and form.is_valid():
        try:
            person = registry.register_person(request.user, **form.cleaned_data)
        except registry.DuplicatePerson as exc:
            _duplicate(form, exc)
        except Refused as exc:
            context = refusal_context(form, exc)
        else:
            messages.success(request, _("%(name)s is registered.") % {"name": person.name})
            return redirect("control:person_detail", pk=person.pk)
    return render(
        request,
        "control/person_form.html",
        {
            **context,
            "form": form,
            "title": _("Register a person"),
            "existing_url": getattr(form, "existing_url", None),
            "back": reverse("control:person_list"),
        },
    )


@require_http_methods(["GET", "POST"])
def person_edit(request, pk: int):
    require_control(request.user)
    person = get_scoped_or_404(Person, request.user, pk, CHANGE)
    if (closed := unless_opened(request, person)) is not None:
        return closed
    initial = {
        "name": person.name,
        "gender": person.gender,
        "household_address": person.household_address,
        "drug_types": person.drug_types,
        "notes": person.notes,
    }
    form = f.PersonForm(request.POST or None, user=request.user, person=person, initial=initial)
    context: dict[str, Any] = {}
    if request.method == "POST" and form.is_valid():
        try:
            registry.update_person(request.user, person, **form.changes())
        except registry.DuplicatePerson as exc:
            _duplicate(form, exc)
        except Refused as exc:
            context = refusal_context(form, exc)
        else:
            messages.success(request, _("The entry is corrected."))
            return redirect("control:person_detail", pk=person.pk)
    return render(
        request,
        "control/person_form.html",
        {
            **context,
            "form": form,
            "person": person,
            "title": _("Correct the entry"),
            "existing_url": getattr(form, "existing_url", None),
            "back": reverse("control:person_detail", args=[person.pk]),
        },
    )


urlpatterns = [
    path("persons/new/", person_create, name="person_create"),
    path("persons/<int:pk>/edit/", person_edit, name="person_edit"),
]
