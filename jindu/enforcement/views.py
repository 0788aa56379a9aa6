"""Pages of the enforcement area. Thin: parse a form, call a service or a selector, render.
Every object is read through ``restrict()`` (404 outside the user's jurisdiction, 403 for a
change the user may not make); refusals are shown next to the field."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jindu.control.models import Person
from jindu.core.errors import Refused
from jindu.core.exports import xlsx_response
from jindu.core.scoping import CHANGE, VIEW, available_actions, can, is_office
from jindu.core.views import apply_refusal, paginate

from . import forms, selectors, services
from .access import (
    enforcement_scope,
    is_police,
    may_change,
    sees_full_ids,
    works_on_enforcement,
)
from .codes import CaseKind
from .filters import CaseFilter, KpiQuery, StatsQuery, TipFilter, VenueFilter
from .models import (
    Case,
    EradicationPatrol,
    IdentityAccess,
    OutboundTrafficker,
    PlantingFinding,
    ProductionIncident,
    Suspect,
    Tip,
    TipStatus,
    Venue,
)
from .policy import enforcement_policy


def _require(user) -> None:
    if not works_on_enforcement(user):
        raise PermissionDenied


def _get(model, user, pk, action=VIEW):
    obj = get_object_or_404(model.objects.restrict(user, VIEW), pk=pk)
    if action != VIEW and not can(user, action, obj):
        raise PermissionDenied
    return obj


def _run(form, fn, *args, **kwargs):
    """Call a service; on refusal put the message next to the field and return None."""
    try:
        return fn(*args, **kwargs)
    except Refused as exc:
        if exc.status == 403:
            raise PermissionDenied from exc
        apply_refusal(form, exc)
        return None


def _form_page(request, form, title, back):
    return render(request, "enforcement/form.html", {"form": form, "title": title, "back": back})


# ---------------------------------------------------------------- cases


def _case_filter(request) -> CaseFilter:
    return CaseFilter(request.GET or None, queryset=Case.objects.all(), request=request, page=True)


def case_list(request):
    _require(request.user)
    policy = enforcement_policy()
    filterset = _case_filter(request)
    cases = filterset.select(Case.objects.all(), **filterset.values())
    if request.GET.get("export") == "xlsx":
        return _case_export(request, cases, policy)
    query = request.GET.copy()
    query.pop("page", None)
    query["export"] = "xlsx"
    return render(
        request,
        "enforcement/case_list.html",
        {
            "form": filterset.form,
            "page": paginate(request, cases),
            "may_create": may_change(request.user, Case),
            "names": {o: policy.offence_name(o) for o in policy.all_offence_codes()},
            "export_query": query.urlencode(),
        },
    )


def _case_export(request, cases, policy):
    """The filtered case list as one sheet (same FilterSet and selector as the page)."""
    flag_names = {f.code: f.name for f in policy.case_flags}

    def rows():
        for case in cases.iterator(chunk_size=2000):
            yield [
                case.number,
                case.get_kind_display(),
                policy.offence_name(case.offence),
                case.offence_article,
                case.org_unit.name,
                case.handling_unit.name if case.handling_unit_id else "",
                case.filed_date,
                case.solved_date,
                "、".join(flag_names.get(code, code) for code in case.flags or []),
                case.suspect_count,
            ]

    return xlsx_response(
        request,
        basename=_("drug-cases"),
        title=_("Drug cases"),
        headers=[
            _("Case number"),
            _("Kind"),
            _("Offence"),
            _("Article"),
            _("Township"),
            _("Handling unit"),
            _("Filed"),
            _("Solved"),
            _("Flags"),
            _("Suspects"),
        ],
        rows=rows(),
        what="enforcement.Case",
    )


def case_new(request):
    _require(request.user)
    if not may_change(request.user, Case):
        raise PermissionDenied
    form = forms.CaseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        case = _run(form, services.record_case, request.user, **form.cleaned_data)
        if case is not None:
            return redirect("enforcement:case_detail", case.pk)
    return _form_page(request, form, _("New case"), reverse("enforcement:case_list"))


def case_detail(request, pk):
    _require(request.user)
    case = _get(Case, request.user, pk)
    policy = enforcement_policy()
    editable = can(request.user, CHANGE, case)
    suspects = list(case.suspects.select_related("household_unit").order_by("id"))
    # The registered user's file, for those who may open it (the file asks for a reason).
    linked = {s.person_id for s in suspects if s.person_id}
    files = (
        set(
            Person.objects.restrict(request.user, VIEW)
            .filter(pk__in=linked)
            .values_list("pk", flat=True)
        )
        if linked
        else set()
    )
    return render(
        request,
        "enforcement/case_detail.html",
        {
            "case": case,
            "offence_name": policy.offence_name(case.offence),
            "article_note": _article_note(policy, case),
            "flag_names": [policy.flag_name(f) for f in case.flags],
            "suspects": suspects,
            "files": files,
            "seizures": case.seizures.order_by("id"),
            "gangs": case.gangs.order_by("id"),
            "dens": case.dens.order_by("id"),
            "editable": editable,
            "full_ids": sees_full_ids(request.user),
            "suspect_form": forms.SuspectForm(user=request.user, prefix="s") if editable else None,
            "seizure_form": forms.SeizureForm(user=request.user, prefix="z") if editable else None,
            "den_form": forms.DenForm(user=request.user, prefix="d") if editable else None,
            "reveal_form": forms.RevealForm(),
            "revealed": request.session.pop("enforcement_revealed", None),
            "drug_names": dict(forms.drug_choices()),
        },
    )


def _article_note(policy, case) -> str:
    """For an administrative case coded under an edition whose article numbers are not yet
    verified (the 2025 revision of 治安管理处罚法): say so, with the edition's source."""
    if case.kind != CaseKind.ADMINISTRATIVE:
        return ""
    offence = policy.offence(CaseKind.ADMINISTRATIVE, case.offence, case.filed_date)
    edition = policy.edition_on(case.filed_date)
    if offence is None or offence.article_verified or edition is None:
        return ""
    return _("Article number not yet verified: %(source)s") % {"source": edition.source}


@require_POST
def case_add(request, pk, what):
    _require(request.user)
    case = _get(Case, request.user, pk, CHANGE)
    form_class, prefix, fn = {
        "suspect": (forms.SuspectForm, "s", services.add_suspect),
        "seizure": (forms.SeizureForm, "z", services.add_seizure),
        "den": (forms.DenForm, "d", services.add_den),
    }.get(what, (None, None, None))
    if form_class is None:
        raise PermissionDenied
    form = form_class(request.POST, user=request.user, prefix=prefix)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items()}
        if what == "seizure":
            data["grams"] = data.get("grams") or 0
            data["pills"] = data.get("pills") or 0
        if _run(form, fn, request.user, case, **data) is not None:
            return redirect("enforcement:case_detail", case.pk)
    return _form_page(
        request,
        form,
        _("Add to case %(number)s") % {"number": case.number},
        reverse("enforcement:case_detail", args=[case.pk]),
    )


@require_POST
def suspect_reveal(request, pk):
    """The full identity number, with the reason, logged; shown once on the case page."""
    _require(request.user)
    suspect = _get(Suspect, request.user, pk)
    form = forms.RevealForm(request.POST)
    if not form.is_valid():
        return redirect("enforcement:case_detail", suspect.case_id)
    try:
        number = services.reveal_id_number(
            request.user, suspect, reason=form.cleaned_data["reason"]
        )
    except Refused as exc:
        raise PermissionDenied from exc
    request.session["enforcement_revealed"] = {"id": suspect.pk, "number": number}
    return redirect("enforcement:case_detail", suspect.case_id)


# ---------------------------------------------------------------- statistics and targets


def stats(request):
    _require(request.user)
    # The page, its Excel export and GET /api/v1/enforcement/stats/ read one query.
    query = StatsQuery(request.GET or None, request=request, page=True)
    result = None
    if not query.is_bound or query.is_valid():
        period = query.period()
        if period.unit is not None:
            result = selectors.results_stats(request.user, period)
    if result is not None and request.GET.get("export") == "xlsx":
        return _stats_export(request, result)
    return render(
        request,
        "enforcement/stats.html",
        {"form": query.form, "stats": result, "query": request.GET.urlencode()},
    )


def _stats_export(request, result):
    period = result.period
    prev_from, prev_to = period.previous
    rows = [[row.label, _num(row.value), _num(row.previous), row.change_pct] for row in result.rows]
    rows.append([])
    rows.append([_("By township"), "", "", ""])
    for unit in result.by_unit:
        for cell in unit["rows"]:
            rows.append(
                [
                    f"{unit['name']} · {cell['label']}",
                    cell["value"],
                    cell["previous"],
                    cell["change_pct"],
                ]
            )
    return xlsx_response(
        request,
        basename=_("enforcement-results"),
        headers=[
            f"{period.unit.name} {period.date_from}–{period.date_to}",
            _("This period"),
            _("Same period last year (%(start)s–%(end)s)") % {"start": prev_from, "end": prev_to},
            _("Change (%)"),
        ],
        rows=rows,
        what="enforcement.Stats",
    )


def _num(value):
    return float(value) if value is not None else None


def targets(request):
    _require(request.user)
    # The page and GET /api/v1/kpis/enforcement/ read one query; a bad value is shown next
    # to its field and the default used.
    query = KpiQuery(request.GET or None, request=request, page=True)
    query.is_valid()
    form, unit, year = query.form, query.unit(), query.chosen_year()
    return render(
        request,
        "enforcement/targets.html",
        {
            "form": form,
            "unit": unit,
            "year": year,
            "indicators": selectors.enforcement_kpis(request.user, unit, year),
            "townships": selectors.enforcement_kpis_by_township(request.user, unit, year),
        },
    )


# ---------------------------------------------------------------- outbound traffickers


def outbound_list(request):
    _require(request.user)
    items = (
        OutboundTrafficker.objects.restrict(request.user)
        .select_related("household_unit", "township")
        .order_by("-arrest_date", "-id")
    )
    return render(
        request,
        "enforcement/outbound_list.html",
        {
            "page": paginate(request, items),
            "may_create": may_change(request.user, OutboundTrafficker),
        },
    )


def outbound_new(request):
    _require(request.user)
    if not may_change(request.user, OutboundTrafficker):
        raise PermissionDenied
    form = forms.OutboundForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["grams"] = data.get("grams") or 0
        if _run(form, services.record_outbound, request.user, **data) is not None:
            return redirect("enforcement:outbound_list")
    return _form_page(
        request, form, _("New outbound trafficker"), reverse("enforcement:outbound_list")
    )


def outbound_work(request, pk):
    _require(request.user)
    trafficker = _get(OutboundTrafficker, request.user, pk)
    form = forms.WorkForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        if (
            _run(form, services.add_outbound_work, request.user, trafficker, **form.cleaned_data)
            is not None
        ):
            return redirect("enforcement:outbound_work", trafficker.pk)
    return render(
        request,
        "enforcement/outbound_work.html",
        {
            "trafficker": trafficker,
            "records": trafficker.work_records.order_by("-date", "-id"),
            "form": form,
        },
    )


# ---------------------------------------------------------------- eradication


def eradication(request):
    _require(request.user)
    user = request.user
    return render(
        request,
        "enforcement/eradication.html",
        {
            "patrols": EradicationPatrol.objects.restrict(user).select_related("org_unit")[:50],
            "findings": PlantingFinding.objects.restrict(user).select_related("org_unit")[:50],
            "incidents": ProductionIncident.objects.restrict(user).select_related("org_unit")[:50],
            "may_create": may_change(user, EradicationPatrol),
        },
    )


def patrol_new(request):
    _require(request.user)
    if not may_change(request.user, EradicationPatrol):
        raise PermissionDenied
    form = forms.PatrolForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        if _run(form, services.record_patrol, request.user, **form.cleaned_data) is not None:
            return redirect("enforcement:eradication")
    return _form_page(request, form, _("New patrol"), reverse("enforcement:eradication"))


def finding_new(request):
    _require(request.user)
    if not may_change(request.user, PlantingFinding):
        raise PermissionDenied
    form = forms.FindingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        if _run(form, services.record_planting, request.user, **form.cleaned_data) is not None:
            return redirect("enforcement:eradication")
    return _form_page(
        request, form, _("Illegal planting found"), reverse("enforcement:eradication")
    )


# ---------------------------------------------------------------- venues


def venue_list(request):
    _require(request.user)
    # The page and GET /api/v1/venues/ read one FilterSet (a bad grade is ignored here).
    venues = VenueFilter(
        request.GET or None, selectors.venue_list(request.user), request=request, page=True
    ).qs
    kinds = {k.code: k.name for k in enforcement_policy().venue_kinds}
    return render(
        request,
        "enforcement/venue_list.html",
        {
            "page": paginate(request, venues),
            "kinds": kinds,
            "grades": enforcement_policy().grade_codes(),
            "may_create": may_change(request.user, Venue),
        },
    )


def venue_new(request):
    _require(request.user)
    if not may_change(request.user, Venue):
        raise PermissionDenied
    form = forms.VenueForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        venue = _run(form, services.register_venue, request.user, **form.cleaned_data)
        if venue is not None:
            return redirect("enforcement:venue_detail", venue.pk)
    return _form_page(request, form, _("New venue"), reverse("enforcement:venue_list"))


def venue_detail(request, pk):
    _require(request.user)
    venue = _get(Venue, request.user, pk)
    editable = can(request.user, CHANGE, venue)
    inspection_form = forms.InspectionForm(
        request.POST if request.POST.get("form") == "inspection" else None,
        user=request.user,
        prefix="i",
    )
    sanction_form = forms.SanctionForm(
        request.POST if request.POST.get("form") == "sanction" else None,
        user=request.user,
        prefix="x",
    )
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if request.POST.get("form") == "inspection" and inspection_form.is_valid():
            data = dict(inspection_form.cleaned_data)
            checks = inspection_form.checks()
            data = {k: v for k, v in data.items() if not k.startswith("check_")}
            if (
                _run(
                    inspection_form,
                    services.record_inspection,
                    request.user,
                    venue,
                    checks=checks,
                    **data,
                )
                is not None
            ):
                return redirect("enforcement:venue_detail", venue.pk)
        elif request.POST.get("form") == "sanction" and sanction_form.is_valid():
            if (
                _run(
                    sanction_form,
                    services.record_sanction,
                    request.user,
                    venue,
                    **sanction_form.cleaned_data,
                )
                is not None
            ):
                return redirect("enforcement:venue_detail", venue.pk)
    policy = enforcement_policy()
    return render(
        request,
        "enforcement/venue_detail.html",
        {
            "venue": venue,
            "kind_name": getattr(policy.venue_kind(venue.kind), "name", venue.kind),
            "inspections": venue.inspections.select_related("inspecting_unit")[:50],
            "sanctions": venue.sanctions.all()[:50],
            "sanction_names": {s.code: s.name for s in policy.sanctions},
            "editable": editable,
            "inspection_form": inspection_form,
            "sanction_form": sanction_form,
        },
    )


# ---------------------------------------------------------------- tips


def tip_list(request):
    _require(request.user)
    tips = TipFilter(
        request.GET or None,
        Tip.objects.restrict(request.user).select_related("org_unit", "station"),
        request=request,
        page=True,
    ).qs
    return render(
        request,
        "enforcement/tip_list.html",
        {
            "page": paginate(request, tips.order_by("-received_date", "-id")),
            "statuses": TipStatus.choices,
            "may_create": enforcement_scope(request.user).may("receive", Tip),
        },
    )


def tip_new(request):
    _require(request.user)
    if not enforcement_scope(request.user).may("receive", Tip):
        raise PermissionDenied
    form = forms.TipForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        tip = _run(form, services.receive_tip, request.user, **form.cleaned_data)
        if tip is not None:
            return redirect("enforcement:tip_detail", tip.pk)
    return _form_page(request, form, _("New tip"), reverse("enforcement:tip_list"))


def tip_detail(request, pk):
    _require(request.user)
    tip = _get(Tip, request.user, pk)
    user = request.user
    actions = available_actions(user, tip, known_visible=True)
    action = request.POST.get("form")
    assign = forms.AssignForm(request.POST if action == "assign" else None, user=user, prefix="a")
    verify = forms.VerifyForm(request.POST if action == "verify" else None, user=user, prefix="v")
    reward = forms.RewardForm(request.POST if action == "reward" else None, user=user, prefix="r")
    dated = forms.DateForm(request.POST if action in ("notified", "claimed") else None, prefix="n")
    if request.method == "POST":
        if action == "assign" and assign.is_valid():
            if _run(assign, services.assign_tip, user, tip, **assign.cleaned_data):
                return redirect("enforcement:tip_detail", tip.pk)
        elif action == "verify" and verify.is_valid():
            if not can(user, "verify", tip):
                raise PermissionDenied
            case = None
            if number := verify.cleaned_data["case_number"].strip():
                case = Case.objects.restrict(user).filter(number=number).first()
                if case is None:
                    verify.add_error("case_number", _("No case with this number in your area."))
            if not verify.errors and _run(
                verify,
                services.verify_tip,
                user,
                tip,
                confirmed=verify.cleaned_data["confirmed"],
                note=verify.cleaned_data["note"],
                case=case,
            ):
                return redirect("enforcement:tip_detail", tip.pk)
        elif action == "reward" and reward.is_valid():
            if _run(
                reward,
                services.reward_tip,
                user,
                tip,
                quantities=reward.quantities(),
                special=reward.cleaned_data["special"],
            ):
                return redirect("enforcement:tip_detail", tip.pk)
        elif action in ("notified", "claimed") and dated.is_valid():
            fn = (
                services.record_reporter_notified
                if action == "notified"
                else services.record_reward_claimed
            )
            if _run(dated, fn, user, tip, date=dated.cleaned_data["date"]):
                return redirect("enforcement:tip_detail", tip.pk)
    return render(
        request,
        "enforcement/tip_detail.html",
        {
            "tip": tip,
            "actions": actions,
            # The office may verify through the API; its page leaves that to the police.
            "may_verify": "verify" in actions and is_police(user),
            "assign_form": assign,
            "verify_form": verify,
            "reward_form": reward,
            "date_form": dated,
            "reveal_form": forms.RevealForm(),
            "reporter": request.session.pop("enforcement_reporter", None),
        },
    )


@require_POST
def tip_reporter(request, pk):
    _require(request.user)
    tip = _get(Tip, request.user, pk)
    if not can(request.user, "reveal_reporter", tip):
        raise PermissionDenied
    form = forms.RevealForm(request.POST)
    if form.is_valid():
        shown = services.reveal_reporter(request.user, tip, reason=form.cleaned_data["reason"])
        request.session["enforcement_reporter"] = {"id": tip.pk, **shown}
    return redirect("enforcement:tip_detail", tip.pk)


def access_log(request):
    if not is_office(request.user):
        raise PermissionDenied
    items = IdentityAccess.objects.restrict(request.user).select_related("user", "org_unit")
    return render(request, "enforcement/access_log.html", {"page": paginate(request, items, 50)})


# ---------------------------------------------------------------- the public tip form

RATE_LIMIT = 3  # tips per window from one address
RATE_WINDOW = 600  # seconds


def _visitor_key(request) -> str:
    """A short-lived, salted hash of the address: enough to slow a flood, useless for
    tracing anyone (the salt rotates with the window and lives only in the cache)."""
    salt = cache.get("enforcement:tip-salt")
    if salt is None:
        salt = secrets.token_hex(16)
        cache.set("enforcement:tip-salt", salt, RATE_WINDOW)
    address = request.META.get("REMOTE_ADDR", "")
    return "enforcement:tip-rate:" + hashlib.sha256(f"{salt}:{address}".encode()).hexdigest()[:32]


@login_not_required
def public_tip(request):
    """举报: no login, no tracking — no address, cookie or identity is stored unless the
    reporter writes a name or phone, which are encrypted and seen by the office alone."""
    form = forms.PublicTipForm(request.POST or None)
    limited = False
    if request.method == "POST":
        key = _visitor_key(request)
        count = cache.get(key, 0)
        if count >= RATE_LIMIT:
            limited = True
        elif form.is_valid():
            tip = _run(
                form,
                services.submit_public_tip,
                org_unit=form.cleaned_data["org_unit"],
                content=form.cleaned_data["content"],
                reporter_name=form.cleaned_data["reporter_name"],
                reporter_phone=form.cleaned_data["reporter_phone"],
            )
            if tip is not None:
                cache.set(key, count + 1, RATE_WINDOW)
                return render(request, "enforcement/public_tip_thanks.html", status=201)
    response = render(
        request,
        "enforcement/public_tip.html",
        {"form": form, "limited": limited},
        status=429 if limited else 200,
    )
    return response
