"""The control rule book: the numbers of the law as data, validated with file/key/problem."""

import copy
import tomllib

import pytest

from jindu.control import models
from jindu.control import policy as control
from jindu.control.checks import control_policy_loads
from jindu.policy.loader import PolicyError


@pytest.fixture(scope="module")
def raw():
    return tomllib.loads(control.policy_path().read_text(encoding="utf-8"))


def parse(raw, mutate):
    data = copy.deepcopy(raw)
    mutate(data)
    return control.parse_control_policy(data, "policies/control/broken.toml")


def test_the_file_in_force_holds_the_numbers_of_the_law():
    p = control.control_policy()
    detox = p.order_kind("community_detox")
    assert (detox.term_months, detox.report_days, detox.expiry_notice_days) == (36, 15, 7)
    assert (detox.term_article, detox.report_article) == ("禁毒法第三十三条", "戒毒条例第十四条")
    assert (detox.agreement_article, detox.working_group_article) == (
        "戒毒条例第十六条",
        "戒毒条例第十七条",
    )
    rehab = p.order_kind("community_rehab")
    assert (rehab.max_term_months, rehab.report_article) == (36, "戒毒条例第三十八条")
    isolation = p.order_kind("compulsory_isolation")
    assert (isolation.term_months, isolation.early_release_after_months) == (24, 12)
    assert isolation.max_extension_months == 12
    assert (p.leave_min_days, p.leave_article) == (3, "戒毒条例第十九条")
    assert (p.breach.refused_or_evaded_tests, p.breach.unapproved_absences) == (3, 3)
    assert p.breach.days_away_over == 30
    assert (p.clean_months, p.abstinence_article) == (36, "戒毒条例第七条")
    assert {t.code: t.target for t in p.targets} == {
        "medium_high_risk_control_rate": 100,
        "community_execution_rate": 100,
        "compulsory_isolation_execution_rate": 85,
        "sick_disabled_admission_rate": 90,
        "not_executed_control_rate": 90,
    }
    assert all(t.definition and t.article == "方案一（三）" for t in p.targets)
    assert p.code_name("drug_types", "ketamine") == "K粉"
    assert p.code_name("drug_types", "happy_water") == "神仙水"
    for number in ("禁毒法第三十八条", "戒毒条例第二十条", "方案一（三）"):
        assert p.articles[number].text


@pytest.mark.parametrize(
    ("codes", "choices"),
    [
        ("gender", models.Gender),
        ("status", models.PersonStatus),
        ("risk_level", models.RiskLevel),
        ("responsible_role", models.ResponsibleRole),
        ("not_executed_reason", models.NotExecutedReason),
        ("order_end_kind", models.EndKind),
        ("test_kind", models.TestKind),
        ("test_result", models.TestResult),
    ],
)
def test_the_code_lists_are_the_ones_the_models_know(codes, choices):
    assert set(control.control_policy().code_values(codes)) == set(choices.values)


def test_order_kinds_match_the_model():
    assert set(control.control_policy().order_kinds) == set(models.OrderKind.values)


def _drop_order_kind(d):
    d["order_kinds"] = [k for k in d["order_kinds"] if k["code"] != "compulsory_isolation"]


def _over_max(d):
    d["order_kinds"][1]["term_months"] = 48


def _thin_schedule(d):
    d["test_schedule"][0]["interval_months"] = 2


def _uncited(d):
    d["breach"]["article"] = "戒毒条例第九十九条"


def _missing_code(d):
    d["codes"]["status"] = d["codes"]["status"][:-1]


def _missing_drug(d):
    d["codes"]["drug_types"] = [c for c in d["codes"]["drug_types"] if c["code"] != "nps"]


def _target_over_100(d):
    d["targets"][2]["target"] = 185


def _missing_year(d):
    d["test_schedule"] = [s for s in d["test_schedule"] if s["year"] != 3]


def _twice(d):
    d["test_schedule"].append(dict(d["test_schedule"][0]))


def _bad_interval(d):
    d["test_schedule"][0]["interval_months"] = 5


def _isolation_from_report(d):
    d["order_kinds"][2]["term_starts"] = "report"


def _missing_ground(d):
    d["escalation"]["grounds"] = d["escalation"]["grounds"][1:]


@pytest.mark.parametrize(
    ("mutate", "key", "problem"),
    [
        (_drop_order_kind, "order_kinds", "needs an entry for 'compulsory_isolation'"),
        (_over_max, "order_kinds[1].term_months", "cannot exceed max_term_months"),
        (_thin_schedule, "test_schedule", "fewer than its minimum_tests 22"),
        (_uncited, "breach.article", "not in [articles]"),
        (_missing_code, "codes.status", "must list exactly the codes"),
        (_missing_drug, "codes.drug_types", "at least the codes nps"),
        (_target_over_100, "targets[2].target", "cannot exceed 100"),
        (_missing_year, "test_schedule", "no interval for year 3"),
        (_twice, "test_schedule[6].year", "listed twice"),
        (_bad_interval, "test_schedule[0].interval_months", "must divide the year"),
        (_isolation_from_report, "order_kinds[2].term_starts", "from the decision"),
        (_missing_ground, "escalation.grounds", "refused_community"),
    ],
)
def test_a_broken_file_names_file_key_and_problem(raw, mutate, key, problem):
    with pytest.raises(PolicyError) as error:
        parse(raw, mutate)
    message = str(error.value)
    assert message.startswith(f"policies/control/broken.toml: {key}"), message
    assert problem in message, message


def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(PolicyError, match="does not exist"):
        control.load_control_policy(tmp_path / "none.toml")


def test_the_setting_chooses_the_file_and_the_check_refuses_a_bad_one(settings, tmp_path, raw):
    text = control.policy_path().read_text(encoding="utf-8")
    mine = tmp_path / "county.toml"
    mine.write_text(text.replace('id = "control-law-2018"', 'id = "county-2026"'), "utf-8")
    settings.JINDU_CONTROL_POLICY_FILE = mine
    control.reset_cache()
    try:
        assert control.control_policy().id == "county-2026"
        assert control_policy_loads(None) == []
        mine.write_text(text.replace("days_away_over = 30", "days_away_over = -1"), "utf-8")
        errors = control_policy_loads(None)
        assert [e.id for e in errors] == ["control.E001"]
        assert "breach.days_away_over" in errors[0].msg
    finally:
        del settings.JINDU_CONTROL_POLICY_FILE
        control.reset_cache()
    assert control.control_policy().id == "control-law-2018"


def test_the_rectification_rule_books_do_not_see_this_file():
    from jindu.policy import registry

    registry.reset_cache()
    assert "control-law-2018" not in registry.all_policies()
