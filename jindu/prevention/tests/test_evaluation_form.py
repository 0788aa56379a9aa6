"""The evaluation form shows the survey's satisfaction figure read-only (办法第五条、
第十四条（六）) instead of a typed field, with its sample; a posted number is ignored."""

import datetime

from jindu.prevention import services
from jindu.rectification.models import Evaluation

from .conftest import ANSWERS

D = datetime.date


def _answers(world, survey):
    for answers in (ANSWERS, ANSWERS, {**ANSWERS, "overall": 2, "safety": 2}):
        services.submit_response(
            None, survey=survey, org_unit=world.township_a, answers=answers, on=D(2019, 6, 1)
        )


def test_the_form_shows_the_computed_figure_with_its_sample(world, survey, client):
    _answers(world, survey)
    client.force_login(world.users["office_admin"])
    page = client.get(
        f"/rectification/evaluations/new/?org_unit={world.township_a.pk}&year=2019"
    ).content.decode()
    start = page.index('name="item_public_satisfaction"')
    tag = page[page.rfind("<input", 0, start) : page.index(">", start)]
    help_text = page[start : page.index("</small>", start)]
    assert "disabled" in tag and 'value="66.7"' in tag
    assert "3份答卷" in help_text and "第五条" in help_text and "未达最低样本量" in help_text


def test_without_survey_answers_the_item_is_typed_as_before(world, survey, client):
    client.force_login(world.users["office_admin"])
    page = client.get(
        f"/rectification/evaluations/new/?org_unit={world.township_a.pk}&year=2019"
    ).content.decode()
    start = page.index('name="item_public_satisfaction"')
    tag = page[page.rfind("<input", 0, start) : page.index(">", start)]
    assert "disabled" not in tag


def test_a_posted_satisfaction_number_is_ignored(world, survey, client):
    _answers(world, survey)
    client.force_login(world.users["office_admin"])
    response = client.post(
        "/rectification/evaluations/new/",
        {
            "org_unit": world.township_a.pk,
            "year": 2019,
            "date": "2019-12-01",
            "methods": ["field_visit"],
            "recommendation": "list_key_supervision",
            "item_public_satisfaction": "10",
            "satisfaction_respondents": "999",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    evaluation = Evaluation.objects.get()
    assert evaluation.recorded["public_satisfaction"] == 66.7
    assert evaluation.satisfaction_respondents == 3
