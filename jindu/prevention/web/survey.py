"""The satisfaction survey: the office's pages, the printable poster, and the public answer
page (no login; nothing that identifies who answered is stored)."""

import hashlib
import secrets
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jindu.audit.middleware import client_ip
from jindu.core.errors import Refused
from jindu.core.scoping import CHANGE, VIEW, is_office, scope_for
from jindu.core.views import apply_refusal, get_scoped_or_404, paginate
from jindu.orgs.models import OrgUnit, UnitLevel

from .. import selectors, services, throttle
from ..access import may_see_prevention
from ..models import Channel, Survey, SurveyResponse
from ..policy import prevention_policy
from . import forms, links, poster

COOKIE_SALT = "jindu.prevention.survey-answered"
# Answers one connection (address + browser) may send per survey and township within the
# repeat window: a village shares a mobile network's address, so the limit is not one.
MAX_PER_CONNECTION = 20


def _require(user):
    if not may_see_prevention(user):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
def survey_list(request):
    _require(request.user)
    office = is_office(request.user)
    form = forms.SurveyForm(request.POST or None) if office else None
    if request.method == "POST":
        if not office:
            raise PermissionDenied
        if form.is_valid():
            try:
                survey = services.create_survey(request.user, **form.cleaned_data)
            except Refused as exc:
                apply_refusal(form, exc)
            else:
                messages.success(request, _("Survey created."))
                return redirect("prevention:survey_detail", pk=survey.pk)
    return render(
        request,
        "prevention/survey_list.html",
        {"page": paginate(request, Survey.objects.restrict(request.user, VIEW)), "form": form},
    )


def survey_detail(request, pk: int):
    _require(request.user)
    survey = get_scoped_or_404(Survey, request.user, pk)
    results = selectors.survey_results(request.user, survey)
    return render(
        request,
        "prevention/survey_detail.html",
        {
            "survey": survey,
            "results": results,
            "links": [
                (unit, request.build_absolute_uri(url))
                for unit, url in links.township_links(request.user, survey)
            ],
            "can_enter": scope_for(request.user).may(CHANGE, SurveyResponse),
        },
    )


def survey_poster(request, pk: int, unit_id: int, fmt: str):
    _require(request.user)
    survey = get_scoped_or_404(Survey, request.user, pk)
    unit = get_scoped_or_404(OrgUnit, request.user, unit_id)
    if unit.level != UnitLevel.TOWNSHIP or fmt not in ("png", "pdf"):
        raise Http404
    url = request.build_absolute_uri(links.answer_url(survey, unit))
    lines = [
        _("Scan to answer — anonymous, about two minutes."),
        _("We do not ask for your name or phone number."),
    ]
    make = poster.poster_png if fmt == "png" else poster.poster_pdf
    body = make(title=survey.title, township=unit.name, url=url, lines=lines)
    response = HttpResponse(body, content_type="image/png" if fmt == "png" else "application/pdf")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-{unit.code}.{fmt}"'
    return response


@require_http_methods(["GET", "POST"])
def survey_entry(request, pk: int):
    """Staff enter a paper or telephone questionnaire."""
    if not scope_for(request.user).may(CHANGE, SurveyResponse):
        raise PermissionDenied
    survey = get_scoped_or_404(Survey, request.user, pk)
    meta = forms.StaffEntryForm(
        request.POST or None, user=request.user, initial={"answered_on": timezone.localdate()}
    )
    answers = forms.answer_form_class(survey.questions)(request.POST or None, prefix="q")
    if request.method == "POST" and meta.is_valid() and answers.is_valid():
        try:
            services.submit_response(
                request.user,
                survey=survey,
                org_unit=meta.cleaned_data["org_unit"],
                channel=meta.cleaned_data["channel"],
                on=meta.cleaned_data["answered_on"],
                answers={k: v for k, v in answers.cleaned_data.items() if v not in (None, "")},
            )
        except Refused as exc:
            apply_refusal(answers, exc)
        else:
            messages.success(request, _("Answers recorded."))
            return redirect("prevention:survey_entry", pk=survey.pk)
    return render(
        request,
        "prevention/survey_entry.html",
        {"survey": survey, "meta": meta, "answers": answers},
    )


# ---------------------------------------------------------------- the public page


# The salt of the connection hashes, as this process last read it from the shared cache:
# (salt, until) — one cache read per window and process instead of one per answer.
_salt: list = ["", 0.0]
# The survey and township a link names, per process for a few seconds: the public page is
# the one hot path, and a survey's period or questions change rarely (an edit shows within
# PUBLIC_TTL seconds).
PUBLIC_TTL = float(getattr(settings, "JINDU_SURVEY_PUBLIC_TTL", 30))
_public_cache: dict[tuple[int, int], tuple[float, Survey, OrgUnit]] = {}


SALT_KEY = "prevention:survey-salt:v2"  # "salt|until" (the epoch second it expires)


def _parse_salt(stored) -> tuple[str, float] | None:
    try:
        salt, until = str(stored).split("|")
        return salt, float(until)
    except (TypeError, ValueError):
        return None


def _current_salt(window: int) -> str:
    """A random salt shared by the workers through the cache, replaced after the window; the
    salt never reaches the database's answers, so a hash cannot be turned back into an
    address once its window has passed."""
    now = time.time()
    if _salt[0] and now < _salt[1]:
        return _salt[0]
    parsed = _parse_salt(cache.get(SALT_KEY))
    if parsed is None or parsed[1] <= now:
        fresh = f"{secrets.token_hex(16)}|{now + window}"
        if parsed is None:
            cache.add(SALT_KEY, fresh, timeout=window)
        else:
            cache.set(SALT_KEY, fresh, timeout=window)
        parsed = _parse_salt(cache.get(SALT_KEY)) or _parse_salt(fresh)
    _salt[:] = list(parsed)
    return parsed[0]


def _connection_key(request, survey, unit) -> str:
    """A short-lived salted hash of the connection (address + browser + survey + township)."""
    salt = _current_salt(prevention_policy().survey.repeat_seconds)
    agent = request.META.get("HTTP_USER_AGENT", "")[:200]
    raw = "|".join([salt, client_ip(request) or "", agent, str(survey.pk), str(unit.pk)])
    return hashlib.sha256(raw.encode()).hexdigest()


def _public(survey_token):
    parsed = links.read_token(survey_token)
    if parsed is None:
        raise Http404
    now = time.monotonic()
    hit = _public_cache.get(parsed)
    if hit is not None and hit[0] > now:
        return hit[1], hit[2]
    survey = Survey.objects.filter(pk=parsed[0]).first()
    unit = OrgUnit.objects.filter(pk=parsed[1], level=UnitLevel.TOWNSHIP).first()
    if survey is None or unit is None:
        raise Http404
    if len(_public_cache) > 1000:
        _public_cache.clear()
    _public_cache[parsed] = (now + PUBLIC_TTL, survey, unit)
    return survey, unit


# The answer form's class and its unbound questions' HTML per survey, language and the survey's
# questions, per process: the radio widgets' templates were most of a GET's time. Keyed by
# the questions themselves, so a survey whose questions change gets a fresh form at once.
_forms: dict[tuple, tuple[type, dict]] = {}


def _answer_form(survey: Survey):
    language = get_language()
    key = (survey.pk, repr(survey.questions))
    hit = _forms.get(key)
    if hit is None:
        if len(_forms) > 200:
            _forms.clear()
        hit = _forms[key] = (forms.answer_form_class(survey.questions), {})
    form_class, rendered = hit

    def blank_html() -> str:
        if language not in rendered:
            rendered[language] = render_to_string(
                "prevention/_public_questions.html", {"form": form_class()}
            )
        return mark_safe(rendered[language])  # our own template's output, escaped there

    return form_class, blank_html


@login_not_required
@require_http_methods(["GET", "POST"])
def survey_answer(request, token: str):
    survey, unit = _public(token)
    window = prevention_policy().survey.repeat_seconds
    cookie = f"jdsv{survey.pk}u{unit.pk}"
    today = timezone.localdate()
    context = {"survey": survey, "township": unit.name}
    if not survey.period_start <= today <= survey.period_end:
        return render(request, "prevention/public_closed.html", context)
    if request.get_signed_cookie(cookie, default=None, salt=COOKIE_SALT, max_age=window):
        return render(request, "prevention/public_thanks.html", {**context, "again": True})
    form_class, blank_html = _answer_form(survey)
    if request.method != "POST":
        return render(
            request,
            "prevention/public_answer.html",
            # A phone's first view: the questions as every phone sees them, rendered once.
            {**context, "form": None, "questions_html": blank_html()},
        )
    form = form_class(request.POST)
    if form.is_valid():
        key = _connection_key(request, survey, unit)
        refused = None
        # The count and the answer commit together: one commit per answer, which need not
        # wait for the disk (an anonymous answer lost in a crash of the last moment is
        # acceptable; nothing else is written here).
        with transaction.atomic():
            throttle.relaxed_commit()
            over = throttle.hit(key, window) > MAX_PER_CONNECTION
            if not over:
                try:
                    services.submit_response(
                        None,
                        survey=survey,
                        org_unit=unit,
                        answers={k: v for k, v in form.cleaned_data.items() if v not in (None, "")},
                        channel=Channel.ONLINE,
                    )
                except Refused as exc:
                    refused = exc
        if over:
            form.add_error(None, _("Too many answers have come from this connection today."))
        elif refused is not None:
            apply_refusal(form, refused)
        else:
            response = render(request, "prevention/public_thanks.html", context)
            response.set_signed_cookie(
                cookie,
                "1",
                salt=COOKIE_SALT,
                max_age=window,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
            return response
    return render(request, "prevention/public_answer.html", {**context, "form": form})
