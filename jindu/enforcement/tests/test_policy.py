"""The two enforcement rule books load, and a bad one is refused naming file, key, problem."""

import copy
import tomllib

import pytest

from jindu.control.policy import control_policy
from jindu.enforcement.policy import parse_enforcement_policy, policy_paths
from jindu.policy.loader import PolicyError


@pytest.fixture(scope="module")
def raw():
    law, county = policy_paths()
    return tomllib.loads(law.read_text("utf-8")), tomllib.loads(county.read_text("utf-8"))


def parse(law, county):
    return parse_enforcement_policy(
        law,
        county,
        "law.toml",
        "county.toml",
        drug_types=control_policy().code_values("drug_types"),
    )


def test_the_rule_books_in_force_load(raw):
    policy = parse(*raw)
    assert policy.policy_ids == "enforcement-law-2026+hengyang-2018-enforcement"
    assert [e.valid_from.isoformat() for e in policy.editions] == ["2013-01-01", "2026-01-01"]


def _broken(raw, which, mutate):
    law, county = copy.deepcopy(raw[0]), copy.deepcopy(raw[1])
    mutate(law if which == "law" else county)
    return law, county


@pytest.mark.parametrize(
    ("which", "mutate", "message"),
    [
        ("law", lambda d: d["heroin_factors"].pop(), "heroin_factors"),
        ("law", lambda d: d["criminal_offences"][0].update(article="第三百四十七条"), "刑法第"),
        ("law", lambda d: d["administrative_editions"][0].pop("valid_to"), "must end before"),
        ("county", lambda d: d["venue_checklist"][0].update(points=5), "add up to 100"),
        ("county", lambda d: d["policy"].update(law_policy="other"), "law_policy"),
        ("county", lambda d: d["case_flags"].pop(0), "zero_pack"),
        ("county", lambda d: d["targets"].pop(0), "outbound_trafficking_reduction"),
    ],
)
def test_a_bad_rule_book_is_refused_with_file_key_and_problem(raw, which, mutate, message):
    with pytest.raises(PolicyError) as exc:
        parse(*_broken(raw, which, mutate))
    text = str(exc.value)
    assert text.startswith(("law.toml: ", "county.toml: "))
    assert message in text


def test_the_start_up_check_reports_a_broken_file(settings, tmp_path):
    from jindu.enforcement import checks, policy

    bad = tmp_path / "county.toml"
    bad.write_text('[policy]\nid = "x"\n', encoding="utf-8")
    settings.JINDU_ENFORCEMENT_COUNTY_FILE = bad
    try:
        errors = checks.enforcement_policy_loads(None)
        assert errors and errors[0].id == "enforcement.E001" and str(bad) in errors[0].msg
    finally:
        del settings.JINDU_ENFORCEMENT_COUNTY_FILE
        policy.reset_cache()
