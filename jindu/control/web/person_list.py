"""The registry's list of people under control and its Excel export (one FilterSet,
``control.filters.PersonFilter``, for both); an exact identity number is searched by its keyed
hash, never carried in the URL."""

from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jindu.core.exports import xlsx_response
from jindu.core.scoping import CHANGE, scope_for
from jindu.core.views import paginate

from .. import crypto, selectors
from .. import forms as f
from ..filters import PersonFilter
from ..models import Gender, OrderKind, Person, PersonStatus, RiskLevel
from ..policy import control_policy
from . import require_control


class _Columns:
    """The list's and the export's columns of a person, with each code's label looked up
    once per page or file: ``get_FOO_display`` rebuilds its field's choices dict at every
    call, four times a row (a tenth of the page's time, bench/request_profile.py)."""

    def __init__(self):
        def labels(choices):
            return {code: str(label) for code, label in choices}

        self.gender = labels(Gender.choices)
        self.status = labels(PersonStatus.choices)
        self.risk = labels(RiskLevel.choices)
        self.order_kind = labels(OrderKind.choices)
        # One reverse a page, not one a row (≈ 25 µs each): the file's URL for id 0, whose
        # last segment is the id.
        detail = reverse("control:person_detail", args=[0])
        assert detail.endswith("/0/"), detail
        self._detail_prefix = detail[: -len("0/")]

    def detail_url(self, pk: int) -> str:
        return f"{self._detail_prefix}{pk}/"

    def current_order(self, person) -> str:
        order = person.open_orders[0] if person.open_orders else None
        return self.order_kind.get(order.kind, order.kind) if order else ""

    @staticmethod
    def responsible(person) -> str:
        return "、".join(a.responsible_name for a in person.active_assignments)

    @staticmethod
    def residence(person) -> str:
        unit = person.residence_unit
        return f"{unit.parent.name} · {unit.name}" if unit.parent_id else unit.name

    def row(self, person) -> dict:
        """What the page shows, as plain values."""
        return {
            "pk": person.pk,
            "url": self.detail_url(person.pk),
            "name": person.name,
            "left_control_on": person.left_control_on,
            "gender": self.gender.get(person.gender, person.gender),
            "id_masked": person.id_masked,
            "residence": self.residence(person),
            "status": self.status.get(person.status, person.status),
            "risk_level": person.risk_level,
            "risk": self.risk.get(person.risk_level, person.risk_level),
            "current_order": self.current_order(person),
            "responsible": self.responsible(person),
        }


_ROW = (
    '<tr><td data-label="{l_name}"><a href="{url}">{name}</a>{left}</td>\n'
    '  <td data-label="{l_gender}">{gender}</td>\n'
    '  <td data-label="{l_id}"><code>{id_masked}</code></td>\n'
    '  <td data-label="{l_residence}">{residence}</td>\n'
    '  <td data-label="{l_status}">{status}</td>\n'
    '  <td data-label="{l_risk}">{risk}</td>\n'
    '  <td data-label="{l_order}">{current_order}</td>\n'
    '  <td data-label="{l_responsible}">{responsible}</td></tr>'
)


def _rows_html(rows: list[dict]) -> str:
    """The table's rows, built in Python with every value escaped: the same HTML as a
    template loop gave, without resolving and escaping twenty variables a row through the
    template engine (a third of the page's rendering, bench/request_profile.py)."""
    labels = {
        "l_name": _("Full name"),
        "l_gender": _("Gender"),
        "l_id": _("Identity number"),
        "l_residence": _("Residence"),
        "l_status": _("Status"),
        "l_risk": _("Risk"),
        "l_order": _("Current order"),
        "l_responsible": _("Responsible person"),
    }
    left = format_html(' <span class="badge ok">{}</span>', _("Left control"))
    dash = "—"
    html = []
    for p in rows:
        risk = (
            format_html('<span class="badge warn">{}</span>', p["risk"])
            if p["risk_level"] == RiskLevel.HIGH
            else p["risk"] or dash
        )
        html.append(
            format_html(
                _ROW,
                url=p["url"],
                name=p["name"],
                left=left if p["left_control_on"] else "",
                gender=p["gender"],
                id_masked=p["id_masked"],
                residence=p["residence"],
                status=p["status"],
                risk=risk,
                current_order=p["current_order"] or dash,
                responsible=p["responsible"] or dash,
                **labels,
            )
        )
    return mark_safe("\n  ".join(html))


def _id_hash(request) -> str:
    value = request.GET.get("id_hash", "")
    return value if len(value) == 64 and all(c in "0123456789abcdef" for c in value) else ""


def _person_filter(request) -> PersonFilter:
    return PersonFilter(
        request.GET or None, queryset=Person.objects.all(), request=request, page=True
    )


def _persons(request, filterset: PersonFilter):
    # The exact-number search arrives as the keyed hash the POST redirected to.
    values = {**filterset.values(), "id_hash": _id_hash(request)}
    return selectors.with_list_columns(filterset.select(Person.objects.all(), **values))


@require_http_methods(["GET", "POST"])
def person_list(request):
    require_control(request.user)
    if request.method == "POST":
        search = f.IdSearchForm(request.POST)
        if search.is_valid():
            number = search.cleaned_data["id_number"].strip().upper()
            query = urlencode({"id_hash": crypto.lookup_hash(number)})
            return redirect(f"{reverse('control:person_list')}?{query}", permanent=False)
    else:
        search = f.IdSearchForm()
    filterset = _person_filter(request)
    form = filterset.form
    persons = _persons(request, filterset)
    page = paginate(request, persons)
    columns = _Columns()
    return render(
        request,
        "control/person_list.html",
        {
            "form": form,
            "search": search,
            "searching_id": bool(_id_hash(request)),
            "page": page,
            "rows_html": _rows_html([columns.row(person) for person in page]),
            "can_register": scope_for(request.user).may(CHANGE, Person),
        },
    )


def person_export(request):
    require_control(request.user)
    filterset = _person_filter(request)
    persons = _persons(request, filterset)
    policy = control_policy()
    columns = _Columns()

    def rows():
        for p in persons.iterator(chunk_size=500):
            yield [
                p.name,
                columns.gender.get(p.gender, p.gender),
                p.id_masked,
                p.phone_masked,
                columns.residence(p),
                columns.status.get(p.status, p.status),
                columns.risk.get(p.risk_level, p.risk_level),
                "、".join(policy.code_name("drug_types", c) for c in p.drug_types),
                columns.current_order(p),
                columns.responsible(p),
                p.first_found_date,
            ]

    chosen = filterset.values().get("unit")
    return xlsx_response(
        request,
        basename=_("persons-under-control"),
        title=_("Persons under control"),
        unit=chosen.name if chosen is not None else "",
        headers=[
            _("Full name"),
            _("Gender"),
            _("Identity number"),
            _("Phone"),
            _("Residence"),
            _("Status"),
            _("Risk"),
            _("Drug types"),
            _("Current order"),
            _("Responsible person"),
            _("First found"),
        ],
        rows=rows(),
        what="control.Person",
    )


urlpatterns = [
    path("persons/", person_list, name="person_list"),
    path("persons/export/", person_export, name="person_export"),
]
