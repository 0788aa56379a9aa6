"""The rule books: a broken file is refused naming the file, the key and the problem."""

import tomllib
from pathlib import Path

import pytest

from jindu.policy.loader import PolicyError
from jindu.precursors import policy

ROOT = Path(__file__).resolve().parents[3] / "policies" / "precursors"


def raw(name):
    return tomllib.loads((ROOT / name).read_text("utf-8"))


def test_the_national_catalogue_has_the_38_precursors_and_sources():
    law = policy.parse_national(raw("precursors-law.toml"))
    precursors = [e for e in law.catalogue if e.category in ("1", "2", "3")]
    assert len(precursors) == 38
    assert all(e.source and e.listed_date for e in law.catalogue)
    base = [e for e in precursors if e.listed_date.year == 2005]
    assert len(base) == 23  # the 2005 附表


def test_a_bad_cas_number_is_named():
    data = raw("precursors-law.toml")
    data["chemicals"][0]["cas"] = "103797"
    with pytest.raises(PolicyError) as exc:
        policy.parse_national(data, "law.toml")
    assert str(exc.value).startswith("law.toml: chemicals[0].cas:")


def test_an_article_that_is_not_in_the_file_is_named():
    data = raw("hengyang-precursors.toml")
    data["matching"]["article"] = "第九十九条"
    with pytest.raises(PolicyError) as exc:
        policy.parse_county(data, "county.toml")
    assert "matching.article" in str(exc.value) and "第九十九条" in str(exc.value)


def test_a_missing_filing_category_is_named():
    data = raw("precursors-law.toml")
    data["sales_filing"] = data["sales_filing"][:2]
    with pytest.raises(PolicyError) as exc:
        policy.parse_national(data, "law.toml")
    assert "sales_filing" in str(exc.value) and "category 3" in str(exc.value)


def test_an_unusual_factor_of_one_is_refused():
    data = raw("hengyang-precursors.toml")
    data["unusual_purchase"]["factor"] = 1
    with pytest.raises(PolicyError):
        policy.parse_county(data, "county.toml")


def test_the_start_up_check_reports_a_broken_file(settings, tmp_path):
    from jindu.precursors.checks import precursor_policies_load

    broken = tmp_path / "law.toml"
    broken.write_text("[policy\n", encoding="utf-8")
    settings.JINDU_PRECURSORS_LAW_FILE = broken
    try:
        errors = precursor_policies_load(None)
        assert errors and errors[0].id == "precursors.E001"
    finally:
        policy.reset_cache()


def test_each_code_list_is_declared_once_and_the_rule_books_follow_it():
    """The rule-book schema's lists are codes.py's choices, so they cannot drift apart."""
    from jindu.precursors import codes, models

    assert policy.MOVEMENTS == tuple(codes.Movement.values)
    assert policy.CATEGORIES == tuple(codes.Category.values)
    assert policy.LICENCE_KINDS == tuple(codes.LicenceKind.values)
    assert policy.DEPARTMENTS == tuple(codes.Department.values)
    assert models.Movement is codes.Movement  # the models name the same declaration


def test_the_start_up_check_refuses_a_department_named_differently_from_its_label():
    """One Chinese name per code: the rule book's department name must be the label the
    pages show (the choice's translation); a mismatch stops the start-up."""
    from dataclasses import replace
    from unittest import mock

    from jindu.precursors.checks import precursor_code_labels_match

    assert precursor_code_labels_match(None) == []
    law = policy.national_policy()
    renamed = dict(law.departments)
    renamed["health"] = replace(renamed["health"], name="卫生局")
    with mock.patch.object(
        policy, "national_policy", return_value=replace(law, departments=renamed)
    ):
        errors = precursor_code_labels_match(None)
    assert [e.id for e in errors] == ["precursors.E002"]
    assert "'health'" in errors[0].msg and "卫生局" in errors[0].msg and "卫生健康" in errors[0].msg
