"""Issue 10, item 3: the parameters of the statistics, KPI and other non-list endpoints (and
of the documents' and tokens' lists) are parsed by one FilterSet each. A bad value answers
400 naming the parameter in Chinese where it used to be accepted or answered 404; a good
query answers the same figures as the selectors compute, and the pages beside these
endpoints read the same FilterSets."""

import datetime

import pytest
from django.utils import translation

BAD = [
    # (url, the parameter named): each answered 200 or 404 before.
    ("/api/v1/documents/?source_id=" + "9" * 65, "source_id"),
    ("/api/v1/documents/?org_unit=0", "org_unit"),
    ("/api/v1/auth/tokens/?user=-1", "user"),
    ("/api/v1/eligibility/?position=0", "position"),
    ("/api/v1/eligibility/?org_unit=-3", "org_unit"),
    ("/api/v1/enforcement/stats/?org_unit=0", "org_unit"),
    ("/api/v1/kpis/enforcement/?year=0", "year"),
    ("/api/v1/class-hours/?school=0", "school"),
    ("/api/v1/class-hours/?org_unit=-1", "org_unit"),
    ("/api/v1/kpis/prevention/?org_unit=0", "org_unit"),
    ("/api/v1/kpis/prevention/villages/?code=publicity_coverage&org_unit=0", "org_unit"),
]


def _get(api, url):
    with translation.override("zh-hans"):
        return api.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")


def _chinese(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


@pytest.mark.parametrize(("url", "name"), BAD)
def test_a_bad_parameter_is_a_400_naming_it_in_chinese(world, api_as, url, name):
    response = _get(api_as(world.users["office_admin"]), url)
    assert response.status_code == 400, (url, response.status_code, response.content)
    errors = response.json()["errors"]
    assert list(errors) == [name]
    assert _chinese(str(errors[name])), errors


def test_a_survey_results_bad_unit_is_a_400(world, api_as):
    api = api_as(world.users["office_admin"])
    survey = api.post(
        "/api/v1/surveys/",
        {"title": "满意度调查", "period_start": "2019-01-01", "period_end": "2030-12-31"},
        format="json",
    ).json()
    response = _get(api, f"/api/v1/surveys/{survey['id']}/results/?org_unit=0")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["org_unit"]
    good = api.get(f"/api/v1/surveys/{survey['id']}/results/?org_unit={world.county.pk}")
    assert good.status_code == 200 and good.json()["responses"] == 0


@pytest.mark.parametrize(
    ("url", "name", "message"),
    [
        (
            "/api/v1/enforcement/stats/?date_from=2026-03-01&date_to=2026-01-01",
            "date_from",
            "起始日期晚于截止日期",
        ),
        ("/api/v1/kpis/enforcement/?year=1989", "year", "2026"),
        ("/api/v1/eligibility/?date=2021-08-01", "position", "position"),
        ("/api/v1/kpis/prevention/villages/", "code", "请选择指标"),
        ("/api/v1/kpis/prevention/villages/?code=publicity_coverage&which=all", "which", ""),
    ],
)
def test_the_refusals_stay_as_they_were(world, api_as, url, name, message):
    response = _get(api_as(world.users["office_admin"]), url)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == [name] and message in str(errors[name])


def test_the_figures_are_the_selectors(world, api_as):
    from jindu.enforcement import selectors as enforcement
    from jindu.prevention import selectors as prevention

    office = world.users["office_admin"]
    api = api_as(office)
    stats = api.get(
        f"/api/v1/enforcement/stats/?org_unit={world.county.pk}"
        "&date_from=2025-01-01&date_to=2025-12-31"
    ).json()
    year = (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    period = enforcement.Period(world.county, *year)
    expected = enforcement.results_stats(office, period)
    assert stats["rows"] == [row.as_dict() for row in expected.rows]
    assert (stats["previous_from"], stats["previous_to"]) == ("2024-01-01", "2024-12-31")
    # Defaults: the office's unit, 1 January of this year to today.
    today = datetime.date.today()
    default = api.get("/api/v1/enforcement/stats/").json()
    assert (default["org_unit"], default["date_from"], default["date_to"]) == (
        enforcement.default_unit(office).pk,
        today.replace(month=1, day=1).isoformat(),
        today.isoformat(),
    )
    kpis = api.get("/api/v1/kpis/enforcement/").json()
    assert kpis["year"] == today.year
    assert [i["code"] for i in kpis["indicators"]] == [
        i.code for i in enforcement.enforcement_kpis(office, world.county, today.year)
    ]
    villages = api.get("/api/v1/kpis/prevention/villages/?code=publicity_coverage").json()
    assert villages["which"] == "denominator"
    assert [v["org_unit"] for v in villages["results"]] == list(
        prevention.kpi_villages(
            office,
            world.county,
            today.replace(month=1, day=1),
            today,
            "publicity_coverage",
            "denominator",
        )
        .order_by("code")
        .values_list("pk", flat=True)
    )


def test_the_documents_page_and_api_read_one_filter(world, api_as, client):
    office = world.users["office_admin"]
    api = api_as(office)
    api.post("/api/v1/documents/", {"kind": "briefing"}, format="json")
    assert api.get("/api/v1/documents/?kind=briefing").json()["count"] == 1
    assert api.get("/api/v1/documents/?kind=decision").json()["count"] == 0
    assert _get(api, "/api/v1/documents/?kind=nonsense").status_code == 400
    client.force_login(office)
    assert len(client.get("/documents/?kind=briefing").context["page"]) == 1
    assert len(client.get("/documents/?kind=decision").context["page"]) == 0


def test_the_office_lists_one_users_tokens(world, api_as):
    from jindu.accounts.tokens import issue

    issue(world.users["township_a"], name="脚本")
    api = api_as(world.users["office_admin"])
    mine = api.get(f"/api/v1/auth/tokens/?user={world.users['township_a'].pk}").json()
    assert [t["name"] for t in mine["results"]] == ["脚本"]


def _count(client, url) -> int:
    return client.get(url).context["page"].paginator.count


def test_the_venue_tip_and_school_pages_read_the_api_filters(world, api_as, client):
    """The venue, tip and school list pages read the FilterSets of their API lists: the same
    query lists the same rows; a bad value is ignored on the page and refused by the API."""
    from jindu.enforcement import services as enforcement
    from jindu.enforcement.policy import enforcement_policy
    from jindu.prevention import services as prevention

    office = world.users["office_admin"]
    venue = enforcement.register_venue(
        world.users["station_a"],
        name="金色年华KTV",
        kind="ktv",
        org_unit=world.township_a,
        station=world.station_a,
    )
    enforcement.receive_tip(
        office,
        received_date=datetime.date(2025, 3, 1),
        channel="hotline",
        org_unit=world.township_a,
        content="某小区有人聚众吸毒",
    )
    prevention.register_school(
        world.users["member"], name="甲镇中心小学", org_unit=world.village_a, stage="primary"
    )
    prevention.register_school(
        world.users["member"], name="乙乡中学", org_unit=world.township_b, stage="junior"
    )
    api = api_as(office)
    client.force_login(office)
    other_grade = next(g for g in enforcement_policy().grade_codes() if g != venue.grade)
    for page, endpoint, query, expected in [
        ("/enforcement/venues/", "/api/v1/venues/", f"grade={venue.grade}", 1),
        ("/enforcement/venues/", "/api/v1/venues/", f"grade={other_grade}", 0),
        ("/enforcement/tips/", "/api/v1/tips/", "status=received", 1),
        ("/enforcement/tips/", "/api/v1/tips/", "status=verified", 0),
        ("/prevention/schools/", "/api/v1/schools/", "q=中心", 1),
        ("/prevention/schools/", "/api/v1/schools/", "", 2),
    ]:
        assert _count(client, f"{page}?{query}") == expected, (page, query)
        assert api.get(f"{endpoint}?{query}").json()["count"] == expected, (endpoint, query)
    assert _count(client, "/enforcement/venues/?grade=Z") == 1
    assert _count(client, "/enforcement/tips/?status=nonsense") == 1
    assert api.get("/api/v1/venues/?grade=Z").status_code == 400


def test_the_stats_and_prevention_pages_read_the_api_query(world, api_as, client):
    """The results statistics page and the prevention targets page parse their unit and
    period with the API's FilterSet: the same query gives the same figures; the page offers
    the county and the townships to choose from."""
    office = world.users["office_admin"]
    api = api_as(office)
    client.force_login(office)
    query = f"org_unit={world.township_a.pk}&date_from=2025-02-01&date_to=2025-11-30"
    page = client.get(f"/enforcement/stats/?{query}").context["stats"]
    answer = api.get(f"/api/v1/enforcement/stats/?{query}").json()
    assert [r.as_dict() for r in page.rows] == answer["rows"]
    assert page.period.unit == world.township_a
    assert (str(page.period.date_from), str(page.period.date_to)) == ("2025-02-01", "2025-11-30")
    form = client.get("/enforcement/stats/").context["form"]
    assert world.township_a in form.fields["org_unit"].queryset
    assert world.village_a not in form.fields["org_unit"].queryset
    inverted = client.get("/enforcement/stats/?date_from=2025-03-01&date_to=2025-01-01")
    assert inverted.context["stats"] is None and inverted.context["form"].errors["date_from"]

    kpis = client.get(f"/prevention/targets/?{query}").context
    answer = api.get(f"/api/v1/kpis/prevention/?{query}").json()
    assert (kpis["unit"], str(kpis["date_from"]), str(kpis["date_to"])) == (
        world.township_a,
        "2025-02-01",
        "2025-11-30",
    )
    assert [(i.code, i.numerator, i.denominator) for i in kpis["indicators"]] == [
        (i["code"], i["numerator"], i["denominator"]) for i in answer["indicators"]
    ]
    # The page starts a period that starts after it ends on 1 January, as it always did.
    lenient = client.get("/prevention/targets/?date_from=2025-03-01&date_to=2025-01-31").context
    assert (str(lenient["date_from"]), str(lenient["date_to"])) == ("2025-01-01", "2025-01-31")
    villages = client.get(f"/prevention/targets/villages/?{query}").context
    assert (villages["code"], villages["which"]) == ("publicity_coverage", "gap")
    chosen = client.get(
        f"/prevention/targets/villages/?{query}&code=grassroots_mobilisation&which=numerator"
    ).context
    assert (chosen["code"], chosen["which"], chosen["unit"]) == (
        "grassroots_mobilisation",
        "numerator",
        world.township_a,
    )
    answer = api.get(
        f"/api/v1/kpis/prevention/villages/?{query}&code=grassroots_mobilisation&which=numerator"
    ).json()
    assert [v.pk for v in chosen["page"]] == [v["org_unit"] for v in answer["results"]]


def test_the_letters_year_is_parsed_and_documented_by_a_filterset(world, api_as):
    api = api_as(world.users["office_admin"])
    for year in (2023, 2024):
        created = api.post(
            "/api/v1/responsibility-letters/",
            {
                "year": year,
                "upper_unit": world.county.pk,
                "lower_unit": world.township_a.pk,
                "signed_on": f"{year}-03-01",
            },
            format="json",
        )
        assert created.status_code == 201, created.content
    listed = api.get("/api/v1/responsibility-letters/?year=2024").json()["results"]
    assert [letter["year"] for letter in listed] == [2024]
    bad = _get(api, "/api/v1/responsibility-letters/?year=2024.5")
    assert bad.status_code == 400 and list(bad.json()["errors"]) == ["year"]
    schema = api.get("/api/schema/?format=json").json()
    parameters = schema["paths"]["/api/v1/responsibility-letters/"]["get"]["parameters"]
    assert "year" in {p["name"] for p in parameters}


TOO_BIG = "9" * 20  # beyond any database's integer


@pytest.mark.parametrize(
    "url",
    [
        f"/rectification/decide/?application={TOO_BIG}",
        f"/rectification/decide/?org_unit={TOO_BIG}",
        f"/rectification/evaluations/new/?baseline={TOO_BIG}",
        f"/rectification/evaluations/new/?org_unit={TOO_BIG}",
        f"/accountability/inspections/new/?designation={TOO_BIG}",
    ],
)
def test_a_prefill_id_too_large_is_ignored_not_a_500(world, client, url):
    """``core.views.query_id``: the links that prefill a form name an id; one beyond the
    database's integers answered 500 (SQLite overflowed looking it up for the form)."""
    client.force_login(world.users["office_admin"])
    assert client.get(url).status_code in (200, 404)
