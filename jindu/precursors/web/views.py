"""The precursor pages: enterprises and their papers, the ledger, reconciliation, flags,
inspections, the catalogue, the Excel import and the four indicators. Thin: forms parse,
services act, selectors read (scoped); a refusal is shown next to its field."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jindu.core import jobs, xlsx
from jindu.core.errors import Refused
from jindu.core.roles import Role
from jindu.core.scoping import CHANGE, is_office, scope_for
from jindu.core.views import apply_refusal, get_scoped_or_404, paginate

from .. import forms, ledger_import, run, selectors, services
from ..filters import ChemicalFilter, EnterpriseFilter, FlagFilter, KpiEnterpriseFilter, KpiFilter
from ..models import (
    Chemical,
    ChemicalInspection,
    Enterprise,
    Flag,
    FlagStatus,
    InspectionRound,
)
from ..policy import county_policy, national_policy
from ..serializers import describe

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def works_on_precursors(user) -> bool:
    """Everyone with a jurisdiction except grid workers (who hold no enterprise)."""
    scope = scope_for(user)
    return not scope.is_empty and scope.role != Role.GRID_WORKER


def _require(request) -> None:
    if not works_on_precursors(request.user):
        raise PermissionDenied


def _may_register(user) -> bool:
    """The office, stations, and the member units that regulate a sector (not, say, the
    education bureau, whose staff are member-unit staff too)."""
    from ..models import regulated_sectors

    scope = scope_for(user)
    if scope.role == Role.MEMBER_UNIT:
        return bool(regulated_sectors(user))
    return scope.may(CHANGE, Enterprise)


# ---------------------------------------------------------------- enterprises


@require_GET
def enterprise_list(request):
    _require(request)
    # The same FilterSet as GET /api/v1/enterprises/ (filters.py).
    filterset = EnterpriseFilter(
        request.GET or None, Enterprise.objects.all(), request=request, page=True
    )
    rows = filterset.qs.order_by("name", "id")
    return render(
        request,
        "precursors/enterprise_list.html",
        {
            "form": filterset.form,
            "page": paginate(request, rows),
            "can_register": _may_register(request.user),
        },
    )


def enterprise_form(request, pk=None):
    _require(request)
    enterprise = get_scoped_or_404(Enterprise, request.user, pk, CHANGE) if pk else None
    if enterprise is None and not _may_register(request.user):
        raise PermissionDenied
    initial = {}
    if enterprise:
        initial = {
            f: getattr(enterprise, f) for f in services.ENTERPRISE_FIELDS if f != "is_active"
        }
    form = forms.EnterpriseForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if enterprise:
                enterprise = services.update_enterprise(request.user, enterprise, **data)
            else:
                enterprise = services.register_enterprise(request.user, **data)
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("precursors:enterprise_detail", enterprise.pk)
    title = _("Edit the enterprise") if enterprise else _("Register an enterprise")
    back = (
        reverse("precursors:enterprise_detail", args=[enterprise.pk])
        if enterprise
        else reverse("precursors:enterprise_list")
    )
    return render(
        request,
        "precursors/form.html",
        {"form": form, "title": title, "enterprise": enterprise, "back": back},
    )


@require_GET
def enterprise_detail(request, pk):
    _require(request)
    enterprise = get_scoped_or_404(Enterprise, request.user, pk)
    today = timezone.localdate()
    ledger = selectors.ledger(request.user, enterprise=enterprise).prefetch_related("flags")
    return render(
        request,
        "precursors/enterprise_detail.html",
        {
            "e": enterprise,
            "can_change": services.may_manage(request.user, enterprise),
            "licences": enterprise.licences.prefetch_related("chemicals"),
            "today": today,
            "page": paginate(request, ledger, 20),
            "flags": [
                (f, describe(f)) for f in enterprise.flags.filter(status=FlagStatus.OPEN)[:50]
            ],
            "inspections": enterprise.inspections.all()[:20],
            "reports": enterprise.annual_reports.all()[:10],
            "chemicals": selectors.chemicals_of(enterprise),
            "month_from": today.replace(day=1).isoformat(),
            "month_to": today.isoformat(),
        },
    )


def _child_form(request, pk, form_class, action, title, form_kwargs):
    _require(request)
    enterprise = get_scoped_or_404(Enterprise, request.user, pk)
    if not services.may_manage(request.user, enterprise):
        raise PermissionDenied
    form = form_class(request.POST or None, **form_kwargs(enterprise))
    if request.method == "POST" and form.is_valid():
        try:
            action(enterprise, form)
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("precursors:enterprise_detail", enterprise.pk)
    return render(
        request,
        "precursors/form.html",
        {
            "form": form,
            "title": title,
            "enterprise": enterprise,
            "back": reverse("precursors:enterprise_detail", args=[enterprise.pk]),
        },
    )


def entry_create(request, pk):
    def act(enterprise, form):
        services.record_entry(request.user, enterprise, **form.cleaned_data)

    return _child_form(
        request, pk, forms.EntryForm, act, _("Record a ledger line"),
        form_kwargs=lambda e: {"enterprise": e},
    )  # fmt: skip


def licence_create(request, pk):
    def act(enterprise, form):
        services.record_licence(request.user, enterprise=enterprise, **form.cleaned_data)

    return _child_form(
        request, pk, forms.LicenceForm, act, _("Record a licence or filing"),
        form_kwargs=lambda e: {},
    )  # fmt: skip


def inspection_create(request, pk):
    def act(enterprise, form):
        data = {k: v for k, v in form.cleaned_data.items() if not k.startswith("check_")}
        services.record_inspection(
            request.user, enterprise=enterprise, checklist=form.checklist(), **data
        )

    # A link from a round's list of missing enterprises names the round (?round=ID).
    link = forms.RoundLinkForm(request.GET)
    initial = {"round": link.cleaned_data["round"]} if link.is_valid() else {}
    return _child_form(
        request, pk, forms.InspectionForm, act, _("Record a joint inspection"),
        form_kwargs=lambda e: {"enterprise": e, "initial": initial},
    )  # fmt: skip


def annual_report_create(request, pk):
    def act(enterprise, form):
        services.record_annual_report(request.user, enterprise, **form.cleaned_data)

    return _child_form(
        request, pk, forms.AnnualReportForm, act, _("Record an annual report"),
        form_kwargs=lambda e: {},
    )  # fmt: skip


def inspection_rectified(request, pk):
    _require(request)
    inspection = get_scoped_or_404(ChemicalInspection, request.user, pk)
    if not services.may_manage(request.user, inspection.enterprise):
        raise PermissionDenied
    form = forms.RectifiedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_rectified(request.user, inspection, on=form.cleaned_data["on"])
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("precursors:enterprise_detail", inspection.enterprise_id)
    return render(
        request,
        "precursors/form.html",
        {
            "form": form,
            "title": _("Record the rectification"),
            "enterprise": inspection.enterprise,
            "back": reverse("precursors:enterprise_detail", args=[inspection.enterprise_id]),
        },
    )


@require_GET
def reconciliation(request, pk):
    _require(request)
    enterprise = get_scoped_or_404(Enterprise, request.user, pk)
    today = timezone.localdate()
    data = request.GET.copy()
    data.setdefault("date_from", today.replace(day=1).isoformat())
    data.setdefault("date_to", today.isoformat())
    form = forms.PeriodForm(data)
    form.fields["chemical"].queryset = selectors.chemicals_of(enterprise)
    balance = entries = None
    if form.is_valid():
        d = form.cleaned_data
        if d["date_from"] > d["date_to"]:
            form.add_error("date_from", _("The period starts after it ends."))
        else:
            balance = run.reconcile_pair(
                enterprise.pk, d["chemical"].pk, d["date_from"], d["date_to"]
            )
            entries = selectors.ledger(
                request.user,
                enterprise=enterprise,
                chemical=d["chemical"],
                date_from=d["date_from"],
                date_to=d["date_to"],
            ).order_by("date", "id")[:500]
    return render(
        request,
        "precursors/reconciliation.html",
        {"e": enterprise, "form": form, "balance": balance, "entries": entries},
    )


# ---------------------------------------------------------------- flags


@require_GET
def flag_list(request):
    _require(request)
    # The same FilterSet as GET /api/v1/precursor-flags/ (filters.py).
    filterset = FlagFilter(request.GET or None, Flag.objects.all(), request=request, page=True)
    form = filterset.form
    values = filterset.values()
    enterprise = None
    if values.get("enterprise"):
        enterprise = get_scoped_or_404(Enterprise, request.user, values["enterprise"])
    page = paginate(request, filterset.qs)
    office = is_office(request.user)
    mine = set(
        Enterprise.objects.restrict(request.user, CHANGE)
        .filter(pk__in={f.enterprise_id for f in page})
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "precursors/flag_list.html",
        {
            "form": form,
            "page": page,
            # Whether the user may close each flag now: its enterprise is theirs to manage
            # and the flag still open (``services.close_flag`` refuses the rest).
            "rows": [(f, describe(f), f.enterprise_id in mine and f.is_open) for f in page],
            "enterprise": enterprise,
            "run_form": forms.RunForm(
                initial={
                    "date_from": timezone.localdate().replace(day=1),
                    "date_to": timezone.localdate(),
                }
            )
            if office
            else None,
        },
    )


def flag_close(request, pk):
    _require(request)
    flag = get_scoped_or_404(Flag, request.user, pk)
    if not services.may_manage(request.user, flag.enterprise):
        raise PermissionDenied
    form = forms.FlagCloseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.close_flag(request.user, flag, **form.cleaned_data)
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            messages.success(request, _("The flag is closed."))
            return redirect(f"{reverse('precursors:flags')}?enterprise={flag.enterprise_id}")
    return render(
        request,
        "precursors/form.html",
        {
            "form": form,
            "title": _("Close the flag"),
            "subject": describe(flag),
            "enterprise": flag.enterprise,
            "back": reverse("precursors:flags"),
        },
    )


@require_POST
def flag_run(request):
    _require(request)
    if not is_office(request.user):
        raise PermissionDenied
    form = forms.RunForm(request.POST)
    if form.is_valid() and form.cleaned_data["date_from"] <= form.cleaned_data["date_to"]:
        result = run.run_period(
            request.user, form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        )
        messages.success(
            request,
            _("Reconciled %(n)d ledgers; %(f)d new flags.")
            % {"n": result.reconciled, "f": result.flags_raised},
        )
    else:
        messages.error(request, _("Give a period that starts before it ends."))
    return redirect("precursors:flags")


# ---------------------------------------------------------------- the catalogue


@require_GET
def catalogue(request):
    _require(request)
    filterset = ChemicalFilter(
        request.GET or None, Chemical.objects.all(), request=request, page=True
    )
    rows = filterset.qs
    category = filterset.values().get("category", "")
    return render(
        request,
        "precursors/catalogue.html",
        {
            "rows": rows,
            "office": is_office(request.user),
            "law": national_policy(),
            "category": category or "",
        },
    )


def chemical_form(request, pk=None):
    _require(request)
    if not is_office(request.user):
        raise PermissionDenied
    chemical = Chemical.objects.filter(pk=pk).first() if pk else None
    if pk and chemical is None:
        raise Http404
    initial = {f: getattr(chemical, f) for f in services.CHEMICAL_FIELDS} if chemical else {}
    form = forms.ChemicalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_chemical(request.user, chemical, **form.cleaned_data)
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("precursors:catalogue")
    return render(
        request,
        "precursors/form.html",
        {
            "form": form,
            "title": _("Edit the substance") if chemical else _("Add a substance"),
            "back": reverse("precursors:catalogue"),
        },
    )


# ---------------------------------------------------------------- Excel


def ledger_upload(request):
    _require(request)
    if not _may_register(request.user):
        raise PermissionDenied
    form = forms.ImportForm(request.POST or None, request.FILES or None, user=request.user)
    report = None
    if request.method == "POST" and form.is_valid():
        enterprise, upload = form.cleaned_data["enterprise"], form.cleaned_data["file"]
        if xlsx.is_large(upload) or form.cleaned_data["background"]:
            job = jobs.start(
                request.user, "precursors.ledger", upload, {"enterprise": enterprise.pk}
            )
            return redirect("job", pk=job.pk)
        report = ledger_import.import_ledger(request.user, enterprise, upload)
    return render(request, "precursors/import.html", {"form": form, "report": report})


@require_GET
def ledger_template(request):
    _require(request)
    response = HttpResponse(ledger_import.template_bytes(), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''ledger-template.xlsx"
    return response


# ---------------------------------------------------------------- the indicators


def _kpi_period(request):
    # The page and GET /api/v1/kpis/precursors/ read one FilterSet; the page shows a refusal
    # next to its field, with no figures.
    query = KpiFilter(request.GET, Enterprise.objects.all(), request=request, page=True)
    try:
        return query.form, query.period()
    except Refused as exc:
        if not query.form.errors:
            query.form.add_error(exc.field if exc.field in query.form.fields else None, exc.message)
        return query.form, None


@require_GET
def kpis(request):
    _require(request)
    form, period = _kpi_period(request)
    indicators = query = None
    if period:
        indicators = [
            (i, county_policy().indicator(i.code).definition)
            for i in selectors.precursor_kpis(
                request.user, period.unit, period.date_from, period.date_to
            )
        ]
        query = urlencode(
            {
                "org_unit": period.unit.pk,
                "date_from": period.date_from.isoformat(),
                "date_to": period.date_to.isoformat(),
            }
        )
    rounds = [
        (r, *selectors.census_progress(request.user, r))
        for r in InspectionRound.objects.restrict(request.user)[:5]
    ]
    # The county roll-up: the same four indicators for each township under the unit, each
    # figure linked to its own list of enterprises.
    by_township = []
    if period:
        for row in selectors.precursor_kpis_by_township(
            request.user, period.unit, period.date_from, period.date_to
        ):
            unit_query = urlencode(
                {
                    "org_unit": row["unit"].pk,
                    "date_from": period.date_from.isoformat(),
                    "date_to": period.date_to.isoformat(),
                }
            )
            by_township.append((row["unit"], row["indicators"], unit_query))
    return render(
        request,
        "precursors/kpis.html",
        {"form": form, "period": period, "indicators": indicators, "query": query,
         "rounds": rounds, "by_township": by_township},
    )  # fmt: skip


@require_GET
def kpi_enterprises(request, code):
    _require(request)
    from ..policy import INDICATORS

    if code not in INDICATORS:
        raise Http404
    # The same FilterSet as GET /api/v1/kpis/precursors/enterprises/ (filters.py).
    query = request.GET.copy()
    query["code"] = code
    filterset = KpiEnterpriseFilter(query, Enterprise.objects.all(), request=request)
    if not filterset.is_valid():
        raise Http404
    try:
        period = filterset.period()
        rows = filterset.qs
    except Refused:
        raise Http404 from None
    which = filterset.values().get("which", "denominator")
    return render(
        request,
        "precursors/kpi_enterprises.html",
        {
            "indicator": county_policy().indicator(code),
            "period": period,
            "which": which,
            "page": paginate(request, rows),
        },
    )


# ---------------------------------------------------------------- inspection rounds


def round_list(request):
    """The rounds (the census 全面摸底 and others): reached / total in the user's scope;
    the office opens a new one."""
    _require(request)
    office = is_office(request.user)
    form = forms.RoundForm(request.POST or None) if office else None
    if request.method == "POST":
        if not office:
            raise PermissionDenied
        if form.is_valid():
            try:
                row = services.create_round(request.user, **form.cleaned_data)
            except Refused as exc:
                apply_refusal(form, exc)
            else:
                messages.success(request, _("The round is opened."))
                return redirect("precursors:round_detail", row.pk)
    rounds = []
    for r in InspectionRound.objects.restrict(request.user):
        reached, total = selectors.census_progress(request.user, r)
        rounds.append((r, reached, total, total - reached))
    return render(
        request, "precursors/round_list.html", {"rounds": rounds, "form": form, "office": office}
    )


@require_GET
def round_detail(request, pk):
    """One round's progress: reached / total, by township, and the enterprises not reached
    yet (each with the link to record its inspection in the round)."""
    _require(request)
    round_ = get_scoped_or_404(InspectionRound, request.user, pk)
    reached, total = selectors.census_progress(request.user, round_)
    by_unit = selectors.round_progress_by_unit(request.user, round_)
    return render(
        request,
        "precursors/round_detail.html",
        {
            "round": round_,
            "reached": reached,
            "total": total,
            "by_unit": by_unit,
            "page": paginate(request, selectors.round_missing(request.user, round_)),
        },
    )
