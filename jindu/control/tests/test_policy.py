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
    # The targets are the county plan's (policies/plan/), not the law's.
    assert all(t.definition and t.article == "方案一（三）" for t in p.targets)
    assert "方案一（三）" not in p.articles
    assert p.code_name("drug_types", "ketamine") == "K粉"
    assert p.code_name("drug_types", "happy_water") == "神仙水"
    for number in ("禁毒法第三十八条", "戒毒条例第二十条"):
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


def _targets_in_the_law(d):
    d["targets"] = [{"code": "community_execution_rate", "target": 100}]


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
        (_targets_in_the_law, "targets", "county plan rule book"),
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
        mine.write_text(text.replace("value = 30,", "value = -1,"), "utf-8")
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


def test_a_revised_rule_book_changes_new_orders_only(world, settings, tmp_path):
    """ControlOrder.policy_id is honoured: an order keeps the rules of the book that decided
    it; only orders decided after the revision is in force follow the new numbers."""
    from jindu.control.services import orders
    from jindu.core.errors import Conflict

    from .factories import D, person

    actor = world.users["township_a"]
    old = orders.record_order(
        actor,
        person(world, name="张旧"),
        kind="compulsory_isolation",
        decision_date=D(2021, 1, 1),
        executed_date=D(2021, 1, 5),
    )
    text = control.policy_path().read_text(encoding="utf-8")
    revised = tmp_path / "control-law-2030.toml"
    revised.write_text(
        text.replace('id = "control-law-2018"', 'id = "control-law-2030"').replace(
            "{ value = 12, article", "{ value = 6, article"
        ),
        "utf-8",
    )
    settings.JINDU_CONTROL_POLICY_FILE = revised
    control.reset_cache()
    try:
        new = orders.record_order(
            actor,
            person(world, name="李新"),
            kind="compulsory_isolation",
            decision_date=D(2021, 2, 1),
            executed_date=D(2021, 2, 5),
        )
        assert (old.policy_id, new.policy_id) == ("control-law-2018", "control-law-2030")
        assert control.policy_for(old).order_kind("compulsory_isolation").max_extension_months == 12
        orders.extend_isolation(actor, old, months=12)  # the 2018 book allows a year
        with pytest.raises(Conflict):
            orders.extend_isolation(actor, new, months=12)  # the revised book: six months
        orders.extend_isolation(actor, new, months=6)
    finally:
        del settings.JINDU_CONTROL_POLICY_FILE
        control.reset_cache()


def test_one_vocabulary_the_pages_show_the_rule_books_names(settings):
    """The start-up check refuses a code whose Chinese label differs from the rule book's."""
    from django.utils import translation

    from jindu.control.checks import code_labels_match

    assert code_labels_match(None) == []
    with translation.override("zh-hans"):
        assert str(models.TestResult.REFUSED.label) == "拒绝检测"  # not 不予办理
        assert str(models.LeaveStatus.REFUSED.label) == "不予批准"
    book = control.control_policy()
    renamed = {
        **book.codes,
        "risk_level": tuple(
            c.__class__(c.code, "很" + c.name, c.article) for c in book.codes["risk_level"]
        ),
    }
    from dataclasses import replace
    from unittest import mock

    with mock.patch.object(control, "control_policy", return_value=replace(book, codes=renamed)):
        errors = code_labels_match(None)
    assert {e.id for e in errors} == {"control.E003"} and len(errors) == 3
    assert "codes.risk_level" in errors[0].msg


def test_a_dated_value_applies_from_its_date_to_records_of_that_date(world, settings, tmp_path):
    """One book, a number revised from a date on (OpenFisca style): an order is read on its
    own decision date, so an order decided before the change keeps the earlier number."""
    from jindu.control.services import orders
    from jindu.core.errors import Conflict

    from .factories import D, person

    text = control.policy_path().read_text(encoding="utf-8")
    old_value = '{ 2008-06-01 = { value = 12, article = "禁毒法第四十七条" } }'
    assert old_value in text
    revised = tmp_path / "control-law-dated.toml"
    revised.write_text(
        text.replace('id = "control-law-2018"', 'id = "control-law-dated"').replace(
            old_value,
            '{ 2008-06-01 = { value = 12, article = "禁毒法第四十七条" }, '
            '2021-02-01 = { value = 6, article = "戒毒条例第二十条" } }',
        ),
        "utf-8",
    )
    settings.JINDU_CONTROL_POLICY_FILE = revised
    control.reset_cache()
    actor = world.users["township_a"]
    try:
        book = control.control_book()
        kind = "compulsory_isolation"
        assert book.on(D(2021, 1, 31)).order_kind(kind).max_extension_months == 12
        assert book.on(D(2021, 2, 1)).order_kind(kind).max_extension_months == 6
        # One resolved policy per period between two changes, not one per day.
        assert book.on(D(2021, 2, 1)) is book.on(D(2024, 7, 1))
        assert book.on(D(2021, 2, 1)).as_of == D(2021, 2, 1)
        assert book.on(D(2019, 1, 1)) is book.on(D(2021, 1, 31))
        # The reference goes with the value.
        assert book.on(D(2021, 2, 1)).order_kind(kind).extension_article == "戒毒条例第二十条"
        before = orders.record_order(
            actor,
            person(world, name="张前"),
            kind=kind,
            decision_date=D(2021, 1, 10),
            executed_date=D(2021, 1, 12),
        )
        after = orders.record_order(
            actor,
            person(world, name="李后"),
            kind=kind,
            decision_date=D(2021, 2, 10),
            executed_date=D(2021, 2, 12),
        )
        assert before.policy_id == after.policy_id == "control-law-dated"
        assert control.policy_for(before).order_kind(kind).max_extension_months == 12
        assert control.policy_for(after).order_kind(kind).max_extension_months == 6
        orders.extend_isolation(actor, before, months=12)
        with pytest.raises(Conflict):
            orders.extend_isolation(actor, after, months=12)
    finally:
        del settings.JINDU_CONTROL_POLICY_FILE
        control.reset_cache()


def _misspelt(d):
    d["breach"]["days_away_ovr"] = 30


def _uncited_value(d):
    d["breach"]["days_away_over"] = {"values": {"2011-06-26": {"value": 30, "article": "x"}}}


def _not_a_date(d):
    d["breach"]["days_away_over"] = {"values": {"soon": 30}}


def _text_for_number(d):
    d["leave"]["min_days_needing_approval"] = "3"


def _note_not_text(d):
    d["leave"]["approval_note"] = 3


def _unknown_code_list(d):
    d["codes"]["colour"] = [{"code": "red", "name": "红"}]


@pytest.mark.parametrize(
    ("mutate", "key", "problem"),
    [
        (_misspelt, "breach.days_away_ovr", "unknown key (known: refused_or_evaded_tests"),
        (_uncited_value, "breach.days_away_over.values.2011-06-26.article", "not in [articles]"),
        (_not_a_date, "breach.days_away_over.values.soon", "must be a date (YYYY-MM-DD)"),
        (_text_for_number, "leave.min_days_needing_approval", "must be a whole number, not str"),
        (_note_not_text, "leave.approval_note", "must be text"),
        (_unknown_code_list, "codes.colour", "unknown code list"),
    ],
)
def test_the_schema_refuses_misspelt_keys_and_bad_dated_values(raw, mutate, key, problem):
    with pytest.raises(PolicyError) as error:
        parse(raw, mutate)
    message = str(error.value)
    assert message.startswith(f"policies/control/broken.toml: {key}:"), message
    assert problem in message, message


def test_the_fixed_code_lists_are_declared_once_by_the_models_choices():
    assert control.fixed_codes()["test_result"] == tuple(models.TestResult.values)
    assert set(control.CODE_CHOICES) == {
        "gender",
        "status",
        "risk_level",
        "responsible_role",
        "not_executed_reason",
        "order_end_kind",
        "test_kind",
        "test_result",
    }
