"""The pure rules of the organisation tree: which codes and which parents each kind accepts."""

import pytest

from jindu.orgs import rules

COUNTY = "430421000000"
TOWNSHIP = "430421100000"
VILLAGE = "430421100201"

# (kind, code, parent code, valid?) — one row per case, named by its id.
CODE_CASES = [
    pytest.param("county", COUNTY, None, True, id="county-6-digits-and-six-zeros"),
    pytest.param("county", "430421", None, False, id="county-only-6-digits"),
    pytest.param("county", "430421000001", None, False, id="county-not-ending-in-zeros"),
    pytest.param("county", "43042100000a", None, False, id="county-with-a-letter"),
    pytest.param(
        "county", "４３０４２１０００００００", None, False, id="county-full-width-digits"
    ),
    pytest.param("township", "430421100000", COUNTY, True, id="township-valid"),
    pytest.param("township", "430421999000", COUNTY, True, id="township-999-valid"),
    pytest.param("township", "430421000000", COUNTY, False, id="township-number-000"),
    pytest.param("township", "430422100000", COUNTY, False, id="township-of-another-county"),
    pytest.param("township", "430421100001", COUNTY, False, id="township-not-ending-000"),
    pytest.param("township", "43042110000", COUNTY, False, id="township-11-digits"),
    pytest.param("township", "4304211000000", COUNTY, False, id="township-13-digits"),
    pytest.param("township", "430421１00000", COUNTY, False, id="township-full-width-digit"),
    pytest.param("park", "430421400000", COUNTY, True, id="park-valid"),
    pytest.param("park", "430421000000", COUNTY, False, id="park-number-000"),
    pytest.param("park", "430421400", COUNTY, False, id="park-9-digits"),
    pytest.param("village", "430421100201", TOWNSHIP, True, id="village-valid"),
    pytest.param("village", "430421100000", TOWNSHIP, False, id="village-number-000"),
    pytest.param("village", "430421101201", TOWNSHIP, False, id="village-of-another-township"),
    pytest.param("village", "4304211002011", TOWNSHIP, False, id="village-13-digits"),
    pytest.param("village", "43042110020", TOWNSHIP, False, id="village-11-digits"),
    pytest.param("community", "430421100001", TOWNSHIP, True, id="community-valid"),
    pytest.param("community", "430421100000", TOWNSHIP, False, id="community-number-000"),
    pytest.param("community", "430421102001", TOWNSHIP, False, id="community-other-township"),
    pytest.param("grid", "430421100201001", VILLAGE, True, id="grid-valid"),
    pytest.param("grid", "430421100201999", VILLAGE, True, id="grid-999-valid"),
    pytest.param("grid", "430421100201000", VILLAGE, False, id="grid-number-000"),
    pytest.param("grid", "430421100202001", VILLAGE, False, id="grid-of-another-village"),
    pytest.param("grid", "43042110020101", VILLAGE, False, id="grid-two-digits"),
    pytest.param("grid", "4304211002010011", VILLAGE, False, id="grid-four-digits"),
    pytest.param("grid", "430421100201００1", VILLAGE, False, id="grid-full-width-digits"),
    pytest.param("member_unit", "430421M01", COUNTY, True, id="member-unit-M-and-2-digits"),
    pytest.param("member_unit", "430421M123", COUNTY, True, id="member-unit-M-and-3-digits"),
    pytest.param("member_unit", "430421P01", COUNTY, False, id="member-unit-with-letter-P"),
    pytest.param("member_unit", "430422M01", COUNTY, False, id="member-unit-other-county"),
    pytest.param("member_unit", "430421M1", COUNTY, False, id="member-unit-one-digit"),
    pytest.param("member_unit", "430421M1234", COUNTY, False, id="member-unit-four-digits"),
    pytest.param("member_unit", "430421m01", COUNTY, False, id="member-unit-lowercase-m"),
    pytest.param("member_unit", "430421M０1", COUNTY, False, id="member-unit-full-width-digit"),
    pytest.param("police_station", "430421P01", COUNTY, True, id="police-station-valid"),
    pytest.param("police_station", "430421P099", COUNTY, True, id="police-station-3-digits"),
    pytest.param("police_station", "430421M01", COUNTY, False, id="police-station-letter-M"),
    pytest.param("police_station", "430421P", COUNTY, False, id="police-station-no-number"),
    pytest.param("judicial_office", "430421J01", COUNTY, True, id="judicial-office-valid"),
    pytest.param("judicial_office", "430421P01", COUNTY, False, id="judicial-office-letter-P"),
    pytest.param("judicial_office", "430421J", COUNTY, False, id="judicial-office-no-number"),
    pytest.param("judicial_office", "J01", COUNTY, False, id="judicial-office-no-county"),
]


@pytest.mark.parametrize(("kind", "code", "parent_code", "valid"), CODE_CASES)
def test_code_problem_accepts_only_well_formed_codes(kind, code, parent_code, valid):
    problem = rules.code_problem(kind, code, parent_code)
    if valid:
        assert problem is None
    else:
        assert problem, f"{code!r} should be refused for a {kind}"


def test_code_problem_gives_an_example_built_from_the_parent_code():
    problem = rules.code_problem("village", "430421100000", TOWNSHIP)
    assert "430421100201" in problem
    problem = rules.code_problem("police_station", "430421M01", COUNTY)
    assert "430421P01" in problem


# (kind, parent level, valid?)
PARENT_CASES = [
    pytest.param("county", None, True, id="county-is-a-root"),
    pytest.param("county", "county", False, id="county-under-county"),
    pytest.param("county", "township", False, id="county-under-township"),
    pytest.param("township", "county", True, id="township-under-county"),
    pytest.param("township", None, False, id="township-without-parent"),
    pytest.param("township", "township", False, id="township-under-township"),
    pytest.param("park", "county", True, id="park-under-county"),
    pytest.param("park", "village", False, id="park-under-village"),
    pytest.param("village", "township", True, id="village-under-township"),
    pytest.param("village", "county", False, id="village-under-county"),
    pytest.param("village", None, False, id="village-without-parent"),
    pytest.param("community", "township", True, id="community-under-township"),
    pytest.param("community", "village", False, id="community-under-village"),
    pytest.param("grid", "village", True, id="grid-under-village"),
    pytest.param("grid", "township", False, id="grid-under-township"),
    pytest.param("grid", "grid", False, id="grid-under-grid"),
    pytest.param("member_unit", "county", True, id="member-unit-under-county"),
    pytest.param("member_unit", "township", False, id="member-unit-under-township"),
    pytest.param("member_unit", None, False, id="member-unit-without-parent"),
    pytest.param("police_station", "county", True, id="police-station-under-county"),
    pytest.param("police_station", "township", False, id="police-station-under-township"),
    pytest.param("police_station", "station", False, id="police-station-under-station"),
    pytest.param("judicial_office", "county", True, id="judicial-office-under-county"),
    pytest.param("judicial_office", None, False, id="judicial-office-without-parent"),
    pytest.param("judicial_office", "department", False, id="judicial-office-under-department"),
]


@pytest.mark.parametrize(("kind", "parent_level", "valid"), PARENT_CASES)
def test_parent_problem_allows_only_the_right_parent_level(kind, parent_level, valid):
    problem = rules.parent_problem(kind, parent_level)
    if valid:
        assert problem is None
    else:
        assert problem, f"a {kind} should not sit under {parent_level!r}"


@pytest.mark.parametrize(
    ("kind", "level"),
    [
        ("county", "county"),
        ("township", "township"),
        ("park", "township"),
        ("village", "village"),
        ("community", "village"),
        ("grid", "grid"),
        ("member_unit", "department"),
        ("police_station", "station"),
        ("judicial_office", "station"),
    ],
)
def test_each_kind_has_its_level(kind, level):
    assert rules.level_of(kind) == level
