"""Picker source of registered people: a station links a relapse report to someone it
registered by name, pinyin initials, village or part of the masked number — never the full
identity number. Results carry only the list's columns (name, residence, masked number)."""

from django.db.models import Q

from jindu.core.pickers import Choice, picker_source, text_filter
from jindu.core.scoping import VIEW

from .models import Person


def _person_choice(person: Person) -> Choice:
    unit = person.residence_unit
    where = f"{unit.parent.name} · {unit.name}" if unit.parent_id else unit.name
    return Choice(person.pk, person.name, f"{where} · {person.id_masked}")


@picker_source("persons", choice=_person_choice)
def persons(user, q, params):
    rows = Person.objects.restrict(user, VIEW).select_related("residence_unit__parent")
    q = q.strip()
    if q:
        cond = Q(name__icontains=q) | Q(residence_unit__name__icontains=q)
        if q.isascii():
            cond |= Q(search_key__startswith=q.lower())
            # A fragment of the masked copy (the first six or the last four characters).
            if len(q) >= 3 and q.replace("x", "X").replace("X", "").isdigit():
                cond |= Q(id_masked__contains=q.upper())
        rows = rows.filter(cond)
    return rows.order_by("name", "id")


def _unit_choice(unit) -> Choice:
    parent = unit.parent.name if unit.parent_id else ""
    return Choice(unit.pk, unit.name, " · ".join(p for p in (parent, unit.code) if p))


def _units(queryset, q):
    return queryset.select_related("parent").filter(text_filter(q, name="name", code="code"))


@picker_source("move-destinations", choice=_unit_choice)
def move_destinations(user, q, params):
    """Where a person may move (the same queryset as the move form: villages of the county)."""
    from .forms import MoveForm

    field = MoveForm(user=user).fields["residence_unit"]
    return _units(field.queryset, q).order_by("path")


@picker_source("kpi-units", choice=_unit_choice)
def kpi_units(user, q, params):
    """The units whose five targets the user may ask for."""
    from .selectors import kpi_units

    return _units(kpi_units(user), q).order_by("path")
