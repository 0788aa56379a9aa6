"""Public survey links: a signed token names the survey and the township, so the link can be
printed on a poster and reveals nothing else (a guessed number is just an invalid token)."""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from jindu.core.scoping import VIEW
from jindu.orgs.models import OrgUnit, UnitLevel

SALT = "jindu.prevention.survey-link"


def token_for(survey, unit) -> str:
    return signing.dumps([survey.pk, unit.pk], salt=SALT, compress=True)


def read_token(token: str) -> tuple[int, int] | None:
    try:
        survey_id, unit_id = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return int(survey_id), int(unit_id)


def answer_url(survey, unit) -> str:
    return reverse("prevention:survey_answer", args=[token_for(survey, unit)])


def township_links(user, survey) -> list[tuple[OrgUnit, str]]:
    townships = OrgUnit.objects.filter(level=UnitLevel.TOWNSHIP, is_active=True)
    if user is not None:
        townships = townships.restrict(user, VIEW)
    return [(unit, answer_url(survey, unit)) for unit in townships.order_by("code")]
