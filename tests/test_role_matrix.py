"""Every role walked (issue 16, item 10): a persona × URL matrix over all eight personas and
anonymous visitors. Each URL of the URL conf must have an entry — township B's object for
URLs with an id (``OUTSIDER_OBJECTS`` in test_scoping_urlconf) or a line in ``LIST_PROBES``
below naming the query-string ids to try — so a new area's URLs are added by a line each;
a URL with no entry fails ``test_every_url_has_a_matrix_entry``.

For each persona without jurisdiction over township B, every URL is requested with B's ids
in the path and in the query string; Excel and Word answers are unpacked and their text
searched (not the compressed bytes). Office and leader (who see everything) must get no
server error anywhere; anonymous visitors get nothing but the public pages.
"""

import datetime
import html
import io
import re
import zipfile

import pytest

from tests.test_scoping_urlconf import (  # noqa: F401 (world is a fixture)
    NOT_RECORD_PAGES,
    OUTSIDER_MARKERS,
    OUTSIDER_OBJECTS,
    PUBLIC,
    SHARED_OBJECTS,
    all_routes,
    concrete,
    world,
)

# County-wide definitions (a survey) are reached by everyone: walked like B's records, and
# nothing of township B may show through them.
MATRIX_OBJECTS = {**OUTSIDER_OBJECTS, **SHARED_OBJECTS}

# Personas who do not see township B's records, and those who see everything.
OUTSIDERS = ["township_a", "station_a", "grid_a", "member", "school"]
INSIDERS = ["office_admin", "leader", "township_b"]

# What a persona legitimately sees of township B: in the test world the member unit is
# assigned to B's listing (分工负责、对口帮扶, art. 21), so that assignment is its own.
LEGITIMATE = {
    "member": {
        "accountability:visit_create",
        "accountability:assistance",
        "api:assistance-assignment-detail",
        "accountability:my_assignments",
        "api:assistance-assignment-list",
        # The member unit of the test world is 县教育局, which supervises every school of the
        # county (方案四（三）): township B's schools and classes are its own.
        "prevention:school_detail",
        "prevention:class_detail",
        "api:school-detail",
        "api:school-class-detail",
        "api:lesson-detail",
        "api:school-record-detail",
        # …and the class-hour duties of those schools are its own obligations.
        "supervision:board",
        "supervision:todo",
        # The precursor targets page offers the county's townships by name (the organisation
        # is public, like the tip form's list); the figures behind them are scoped.
        "precursors:kpis",
        # Member units run publicity and the education bureau supervises schools county-wide
        # (方案四（二）（三）; issue 14): prevention's pages and endpoints are theirs across
        # townships.
        "prevention:*",
        "api:prevention-*",
        "api:school*",
        "api:lesson*",
        "api:class-hours*",
        "api:survey*",
        "api:kpis-prevention*",
    },
}


def legitimate(persona: str, name: str) -> bool:
    for entry in LEGITIMATE.get(persona, ()):
        if entry == name or (entry.endswith("*") and (name or "").startswith(entry[:-1])):
            return True
    return False


# Query-string ids tried on every parameterless URL: (parameter, how to find B's object).
QUERY_IDS = [
    ("person", lambda w: w.b["person"]),
    ("org_unit", lambda w: w.township_b),
    ("parent", lambda w: w.township_b),
    ("designation", lambda w: w.b["designation"]),
    ("position", lambda w: w.position_b),
    ("unit", lambda w: w.township_b),
]

# Parameterless URLs that are not record pages: an explicit line each. Every other URL
# without an id is probed as a list (with QUERY_IDS). A new area adds its special URLs here.
LIST_PROBES = {name: "not a record page" for name in NOT_RECORD_PAGES} | {
    "login": "public",
    "logout": "ends the session",
    "healthz": "public",
    "set_language": "public",
    "api:token": "public (credentials)",
    "accounts:otp": "second factor form",
    "accounts:token_renew": "POST only, issues the caller's own token",
}


def text_of(response) -> str:
    """The text a person would read: Excel and Word are unpacked first."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if content[:2] == b"PK" and ("sheet" in kind or "word" in kind or "officedocument" in kind):
        parts = []
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            for name in package.namelist():
                if name.endswith(".xml"):
                    # Write-only sheets store text inline as character references.
                    parts.append(
                        html.unescape(package.read(name).decode("utf-8", errors="replace"))
                    )
        return "\n".join(parts)
    return content.decode("utf-8", errors="replace")


def leaks(response) -> list[str]:
    body = text_of(response)
    return [m for m in OUTSIDER_MARKERS if m in body]


def test_every_url_has_a_matrix_entry(world):  # noqa: F811
    missing = []
    for name, route in all_routes():
        if name is None or name.startswith("favicon"):
            continue
        has_id = "<" in route or "(?P<" in route
        if "format" in route:
            continue
        if has_id and name not in MATRIX_OBJECTS:
            missing.append(name)
    assert not missing, f"add these URLs to the matrix (MATRIX_OBJECTS): {missing}"


def urls_with_ids(w):
    for name, route in all_routes():
        if name in MATRIX_OBJECTS:
            url = concrete(route, MATRIX_OBJECTS[name](w).pk)
            if url:
                yield name, url


def list_urls():
    for name, route in all_routes():
        if name is None or name in MATRIX_OBJECTS or name in LIST_PROBES:
            continue
        url = concrete(route, None)
        if url:
            yield name, url


def agent_for(url, client, api):
    return api if url.startswith("/api/") else client


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_see_nothing_of_township_b_by_path_or_query(world, client, api_as, persona):  # noqa: F811
    user = world.users[persona]
    client.force_login(user)
    api = api_as(user)
    checked = 0
    for name, url in urls_with_ids(world):
        response = agent_for(url, client, api).get(url)
        assert response.status_code < 500, (persona, url, response.status_code)
        if not legitimate(persona, name):
            assert not leaks(response), (persona, url, leaks(response))
        checked += 1
    query = "&".join(f"{p}={get(world).pk}" for p, get in QUERY_IDS)
    for name, url in list_urls():
        for probe in (f"?{query}", *(f"?{p}={get(world).pk}" for p, get in QUERY_IDS[:2])):
            response = agent_for(url, client, api).get(url + probe)
            assert response.status_code < 500, (persona, url + probe, response.status_code)
            if not legitimate(persona, name):
                assert not leaks(response), (persona, url + probe, leaks(response))
        checked += 1
    assert checked > 100


@pytest.mark.parametrize("persona", INSIDERS)
def test_those_who_see_township_b_get_no_server_error(world, client, api_as, persona):  # noqa: F811
    user = world.users[persona]
    client.force_login(user)
    api = api_as(user)
    for _name, url in [*urls_with_ids(world), *list_urls()]:
        response = agent_for(url, client, api).get(url)
        assert response.status_code < 500, (persona, url, response.status_code)


def test_anonymous_visitors_get_only_the_public_pages(world, client, api_client):  # noqa: F811
    for name, url in [*urls_with_ids(world), *list_urls()]:
        if name in PUBLIC:
            continue
        response = (api_client if url.startswith("/api/") else client).get(url)
        assert response.status_code in (301, 302, 401, 403, 404, 405), (url, response.status_code)
        assert not leaks(response), url


# ---------------------------------------------------------------- counts, not only names
#
# A figure can leak where no name does: a count or a sum that includes another jurisdiction.
# Each outsider reads every list, statistics page and endpoint (plainly and with township B's
# id in the query string), township B then gets more records of every area, and the
# outsider reads them all again: every figure must be as before.

VOLATILE = [
    re.compile(r"<(script|style)\b.*?</\1>", re.S),  # not read by a person
    re.compile(r"<[^>]+>"),  # tags and attributes (ids in links, CSRF tokens)
    re.compile(r"\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?"),  # times of day ("who and when" lines)
    # Signed links and hashes (a survey's township links carry a timestamped signature).
    re.compile(r"(?=[\w:-]*[A-Za-z])(?=[\w:-]*\d)[\w:-]{16,}"),
]
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def figures(response) -> list[str]:
    text = text_of(response)
    for pattern in VOLATILE:
        text = pattern.sub(" ", text)
    return NUMBER.findall(text)


def _more_of_township_b(w):
    """More of township B's records in every area, dated today and in the walk's years."""
    from django.utils import timezone

    from jindu.control import rules as control_rules
    from jindu.control.services import orders as control_orders
    from jindu.control.services import registry as control
    from jindu.enforcement import services as enforcement
    from jindu.precursors.tests import factories as precursor_factories
    from jindu.prevention import services as prevention
    from jindu.supervision import reporting

    today = timezone.localdate()
    township_b = w.users["township_b"]
    added = 0
    for i, day in enumerate((today, datetime.date(2018, 7, 1), datetime.date(2025, 3, 2))):
        stem = f"4304211992{i + 1:02d}01{300 + 2 * i}"
        person = control.register_person(
            township_b,
            name=f"钱计数{i}",
            gender="female",
            id_number=stem + control_rules.check_digit(stem),
            residence_unit=w.grid_b,
            first_found_date=day,
        )
        control.assess_risk(township_b, person, date=day, level="high", factors=["计数"])
        control_orders.record_test(township_b, person, date=day, result="positive")
        enforcement.record_case(
            None,
            number=f"乙乡计数案件{i}",
            kind="criminal",
            offence="trafficking",
            filed_date=day,
            solved_date=day,
            org_unit=w.township_b,
            handling_unit=w.station_b,
        )
        enforcement.receive_tip(
            None,
            received_date=day,
            channel="hotline",
            org_unit=w.township_b,
            content="乙乡有人贩毒计数",
        )
        enforcement.record_patrol(
            None, org_unit=w.township_b, date=day, area="计数", area_covered_mu=7
        )
        prevention.record_activity(
            township_b,
            kind="lecture",
            date=day,
            org_unit=w.village_b,
            headcount=41,
            description="计数",
        )
        reporting.report_major_event(
            township_b,
            org_unit=w.township_b,
            occurred_at=datetime.datetime.combine(day, datetime.time(9), tzinfo=datetime.UTC),
            title="计数事件",
            description="计数",
        )
        chemical = w.b["ledger_entry"].chemical
        precursor_factories.entry(w.b["enterprise"], chemical, "purchase", "13", day)
        added += 1
    return added


def _read_all(persona_client, api, w) -> dict[str, list[str]]:
    seen = {}
    probes = ("", "?" + "&".join(f"{p}={get(w).pk}" for p, get in QUERY_IDS))
    for name, url in list_urls():
        for probe in probes:
            response = agent_for(url, persona_client, api).get(url + probe)
            seen[(name, url + probe)] = (response.status_code, figures(response))
    return seen


def _difference(before, after) -> str:
    from collections import Counter

    (status_before, first), (status_after, second) = before, after
    gone, new = Counter(first) - Counter(second), Counter(second) - Counter(first)
    return f"{status_before}→{status_after} −{sorted(gone.elements())} +{sorted(new.elements())}"


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_figures_do_not_count_township_b(world, client, api_as, persona):  # noqa: F811
    user = world.users[persona]
    client.force_login(user)
    api = api_as(user)
    # The persona's own first request of the day marks its token as used today (shown on
    # its profile); made before the baseline so that only township B's records differ.
    api.get("/api/v1/me/")
    before = _read_all(client, api, world)
    assert _more_of_township_b(world) == 3
    after = _read_all(client, api, world)
    changed = [
        (url, _difference(before[(name, url)], after[(name, url)]))
        for (name, url) in before
        if before[(name, url)] != after[(name, url)] and not legitimate(persona, name)
    ]
    assert not changed, changed
    # The walk read figures: the lists and statistics pages carry numbers.
    assert sum(bool(f) for _status, f in before.values()) > 50


def test_a_figure_that_counts_another_jurisdiction_is_caught():
    # What the comparison sees: "12 persons" becoming "13 persons" on a page.
    from django.http import HttpResponse

    page = '<p>共 <b>{}</b> 人</p><input name="csrfmiddlewaretoken" value="a1b2">{}'
    first = HttpResponse(page.format(12, "生成于 10:01"))
    same = HttpResponse(page.format(12, "生成于 10:02"))
    more = HttpResponse(page.format(13, "生成于 10:01"))
    assert figures(first) == figures(same) == ["12"]
    signed = HttpResponse('{"count": 12, "url": "/s/eyJzIjo0fQ:1vQ2xk:a9Xc3Kq0pZ7/"}')
    assert figures(signed) == ["12"]
    assert figures(first) != figures(more)


def test_excel_answers_are_opened_before_searching():
    # A marker inside an .xlsx is found by the matrix, where a search of the compressed
    # bytes would miss it.
    from django.http import HttpResponse

    from jindu.core.exports import XLSX, write_xlsx

    buffer = io.BytesIO()
    write_xlsx(buffer, ["单位"], [[OUTSIDER_MARKERS[0] * 20]])
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    assert OUTSIDER_MARKERS[0] in text_of(response)
    assert OUTSIDER_MARKERS[0].encode() not in buffer.getvalue()


# ---------------------------------------------------------------- the school account
#
# A school account (学校账号) belongs to township A but is bound to its school: of its own
# township it sees nothing but that school — no village, leader, station or activity.
OWN_TOWNSHIP_MARKERS = ("甲一村", "赵测试", "甲镇派出所", "甲镇讲座标记")


def test_the_school_account_sees_nothing_of_its_township_but_its_school(world, client, api_as):  # noqa: F811
    from jindu.prevention import services as prevention

    prevention.record_activity(
        world.users["township_a"],
        kind="lecture",
        date=datetime.date(2019, 6, 20),
        org_unit=world.village_a,
        headcount=30,
        description="甲镇讲座标记",
    )
    user = world.users["school"]
    client.force_login(user)
    api = api_as(user)
    seen = []
    for name, url in [*urls_with_ids(world), *list_urls()]:
        for probe in ("", f"?org_unit={world.township_a.pk}&unit={world.village_a.pk}"):
            response = agent_for(url, client, api).get(url + probe)
            assert response.status_code < 500, (url + probe, response.status_code)
            body = text_of(response)
            shown = [m for m in OWN_TOWNSHIP_MARKERS if m in body]
            assert not shown, (url + probe, shown)
            if response.status_code == 200 and "甲镇中学" in body:
                seen.append(name)
    # …while its own school is there: its page, the lists and the API.
    assert {"prevention:school_list", "api:school-list", "api:class-hours"} <= set(seen), seen
