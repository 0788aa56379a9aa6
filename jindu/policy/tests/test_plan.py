"""The county plan rule book: targets per area, dated values, file: key: problem errors."""

import copy
import datetime
import tomllib

import pytest

from jindu.policy import plan as plans
from jindu.policy.loader import PolicyError

D = datetime.date


@pytest.fixture(scope="module")
def raw():
    return tomllib.loads(plans.plan_path().read_text(encoding="utf-8"))


def test_the_plan_in_force_holds_the_five_control_targets():
    plan = plans.plan_in_force()
    assert plan.id == "hengyang-2018-plan"
    targets = {t.code: t.value_on(D(2019, 1, 1)) for t in plan.area_targets("control")}
    assert targets == {
        "medium_high_risk_control_rate": 100,
        "community_execution_rate": 100,
        "compulsory_isolation_execution_rate": 85,
        "sick_disabled_admission_rate": 90,
        "not_executed_control_rate": 90,
    }
    assert plan.articles["方案一（三）"].text.startswith("吸毒人员戒治管控更加精准")


def test_dated_values_apply_from_their_date(raw):
    data = copy.deepcopy(raw)
    target = data["targets"]["control"][2]
    del target["target"]
    target["values"] = {D(2018, 5, 2): 85, D(2021, 1, 1): 90}
    plan = plans.parse_plan(data, "policies/plan/dated.toml")
    rate = plan.area_targets("control")[2]
    assert rate.value_on(D(2018, 5, 1)) is None
    assert rate.value_on(D(2020, 12, 31)) == 85
    assert rate.value_on(D(2021, 1, 1)) == 90


def _over_100(d):
    d["targets"]["control"][1]["target"] = 185


def _uncited(d):
    d["targets"]["control"][0]["article"] = "方案九"


def _twice(d):
    d["targets"]["control"].append(dict(d["targets"]["control"][0]))


def _misspelt(d):
    d["targets"]["control"][0]["definiton"] = "x"


def _no_number(d):
    del d["targets"]["control"][3]["target"]


@pytest.mark.parametrize(
    ("mutate", "key", "problem"),
    [
        (_over_100, "targets.control[1].target", "must be a number ≤ 100"),
        (_uncited, "targets.control[0].article", "not in [articles]"),
        (_twice, "targets.control[5].code", "duplicate code"),
        (_misspelt, "targets.control[0].definiton", "unknown key (known: code, name"),
        (_no_number, "targets.control[3]", "either `target` or dated `values`"),
    ],
)
def test_a_broken_plan_names_file_key_and_problem(raw, mutate, key, problem):
    data = copy.deepcopy(raw)
    mutate(data)
    with pytest.raises(PolicyError) as error:
        plans.parse_plan(data, "policies/plan/broken.toml")
    message = str(error.value)
    assert message.startswith(f"policies/plan/broken.toml: {key}"), message
    assert problem in message, message


def test_another_area_adds_its_own_table(raw):
    data = copy.deepcopy(raw)
    data["targets"]["prevention"] = [
        {
            "code": "school_coverage_rate",
            "name": "学校禁毒教育覆盖率",
            "target": 100,
            "article": "方案一（三）",
            "definition": "分母：学校；分子：开展禁毒教育的学校。",
        }
    ]
    plan = plans.parse_plan(data, "x.toml")
    assert [t.code for t in plan.area_targets("prevention")] == ["school_coverage_rate"]
    assert len(plan.area_targets("control")) == 5
