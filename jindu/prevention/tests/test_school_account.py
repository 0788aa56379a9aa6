"""The school account (学校账号, issue 14 "Roles and scoping"): bound to one school, it records
its own classes and lessons and sees nothing else."""

import datetime

import pytest
from django.urls import reverse

from jindu.accounts.models import User
from jindu.audit.models import AuditEvent
from jindu.core.errors import NotAllowed, Refused
from jindu.core.scoping import scope_for
from jindu.prevention import services
from jindu.prevention.models import Lesson, School, SchoolAccount, SchoolClass, SchoolRecord

pytestmark = pytest.mark.django_db
PASSWORD = "Test-password-2026"


@pytest.fixture
def schools(world):
    member = world.users["member"]
    own = services.register_school(
        member, name="甲镇中学", org_unit=world.township_a, stage="junior"
    )
    # Another school of the same township, and one of another township.
    neighbour = services.register_school(
        member, name="甲镇中心小学", org_unit=world.village_a, stage="primary"
    )
    other = services.register_school(
        member, name="乙乡中学", org_unit=world.township_b, stage="junior"
    )
    classes = {
        key: services.add_class(
            member, school=school, school_year="2019-2020", grade=grade, name=f"{key}班"
        )
        for key, school, grade in (
            ("own", own, 7),
            ("neighbour", neighbour, 5),
            ("other", other, 7),
        )
    }
    account = services.create_school_account(
        member, school=own, username="jiazhen_school", password=PASSWORD, full_name="孙老师"
    )
    initial = account.user.must_change_password
    # The school changed its initial password and the office granted it the API.
    User.objects.filter(pk=account.user.pk).update(api_access=True, must_change_password=False)
    account.user.refresh_from_db()
    return {
        "own": own,
        "neighbour": neighbour,
        "other": other,
        "classes": classes,
        "user": account.user,
        "initial_password": initial,
    }


def _changes() -> int:
    return AuditEvent.objects.filter(model__startswith="prevention.").count()


def _lesson(**extra):
    return {
        "date": "2019-10-08",
        "hours": "2",
        "topic": "远离毒品",
        "teacher_name": "孙老师",
        **extra,
    }


def test_the_account_belongs_to_the_township_and_is_bound_to_its_school(world, schools):
    user = schools["user"]
    assert (user.role, user.unit, schools["initial_password"]) == ("school", world.township_a, True)
    scope = scope_for(user)
    assert scope.bound and scope.binding == schools["own"].pk and not scope.paths
    assert AuditEvent.objects.filter(model="prevention.SchoolAccount").count() == 1


def test_it_records_a_lesson_for_its_class_on_the_page_and_over_the_api(
    world, schools, client, api_as
):
    own = schools["classes"]["own"]
    client.force_login(schools["user"])
    response = client.post(reverse("prevention:class_detail", args=[own.pk]), _lesson())
    assert response.status_code == 302
    api = api_as(schools["user"])
    created = api.post("/api/v1/lessons/", _lesson(school_class=own.pk), format="json")
    assert created.status_code == 201, created.content
    assert Lesson.objects.filter(school_class=own).count() == 2
    assert set(Lesson.objects.values_list("recorded_by", flat=True)) == {schools["user"].pk}
    # …and a class of its own school.
    added = api.post(
        "/api/v1/school-classes/",
        {"school": schools["own"].pk, "school_year": "2019-2020", "grade": 8, "name": "八(2)班"},
        format="json",
    )
    assert added.status_code == 201, added.content


def _record(**extra):
    return {"kind": "five_ones", "date": "2019-11-20", "title": "禁毒主题班会", **extra}


def test_it_records_its_five_ones_and_training_on_the_page_and_over_the_api(
    world, schools, client, api_as
):
    own = schools["own"]
    client.force_login(schools["user"])
    page = client.get(reverse("prevention:school_detail", args=[own.pk]))
    # The form offers the kinds the rule book gives the school, not the 示范学校 steps.
    kinds = [value for value, _label in page.context["record_form"].fields["kind"].choices]
    assert kinds == ["five_ones", "five_innovations", "teacher_training"]
    response = client.post(
        reverse("prevention:school_detail", args=[own.pk]),
        {"form": "record", **{f"rec-{k}": v for k, v in _record(participants=40).items()}},
    )
    assert response.status_code == 302, response.context and response.context["record_form"].errors
    api = api_as(schools["user"])
    created = api.post(
        "/api/v1/school-records/",
        _record(school=own.pk, kind="teacher_training", title="禁毒教师培训"),
        format="json",
    )
    assert created.status_code == 201, created.content
    assert sorted(SchoolRecord.objects.filter(school=own).values_list("kind", flat=True)) == [
        "five_ones",
        "teacher_training",
    ]
    listed = api.get("/api/v1/school-records/").json()
    assert {row["school"] for row in listed["results"]} == {own.pk}


def test_the_model_school_steps_stay_with_the_bureau(world, schools, api_as):
    before = (SchoolRecord.objects.count(), _changes())
    api = api_as(schools["user"])
    response = api.post(
        "/api/v1/school-records/",
        _record(school=schools["own"].pk, kind="model_school", status="applied"),
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    message = response.json()["errors"]["kind"][0]
    assert "县教育局" in message and "方案四（三）三是" in message, message
    assert (SchoolRecord.objects.count(), _changes()) == before
    # The bureau records it.
    services.record_school_activity(
        world.users["member"],
        school=schools["own"],
        kind="model_school",
        date=datetime.date(2019, 12, 1),
        title="申报示范学校",
        status="applied",
    )


@pytest.mark.parametrize("which", ["neighbour", "other"])
def test_another_schools_records_are_refused(world, schools, client, api_as, which):
    target = schools[which]
    before = (SchoolRecord.objects.count(), _changes())
    client.force_login(schools["user"])
    response = client.post(
        reverse("prevention:school_detail", args=[target.pk]),
        {"form": "record", **{f"rec-{k}": v for k, v in _record().items()}},
    )
    assert response.status_code == 404
    response = api_as(schools["user"]).post(
        "/api/v1/school-records/", _record(school=target.pk), format="json"
    )
    assert response.status_code == 400 and "school" in response.json()["errors"]
    with pytest.raises(NotAllowed):
        services.record_school_activity(
            schools["user"],
            school=target,
            kind="five_ones",
            date=datetime.date(2019, 11, 20),
            title="x",
        )
    assert (SchoolRecord.objects.count(), _changes()) == before


@pytest.mark.parametrize("which", ["neighbour", "other"])
def test_another_schools_class_is_refused_over_the_page_and_the_api(
    world, schools, client, api_as, which
):
    target = schools["classes"][which]
    before = (Lesson.objects.count(), SchoolClass.objects.count(), _changes())
    client.force_login(schools["user"])
    # The page: the class does not exist for it.
    assert client.get(reverse("prevention:class_detail", args=[target.pk])).status_code == 404
    assert (
        client.post(reverse("prevention:class_detail", args=[target.pk]), _lesson()).status_code
        == 404
    )
    # The API: refused in Chinese, naming the field.
    api = api_as(schools["user"])
    response = api.post(
        "/api/v1/lessons/",
        _lesson(school_class=target.pk),
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    message = response.json()["errors"]["school_class"][0]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
    # A class for another school: likewise.
    response = api.post(
        "/api/v1/school-classes/",
        {"school": schools[which].pk, "school_year": "2019-2020", "grade": 8, "name": "八(9)班"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400 and "school" in response.json()["errors"]
    # The service itself refuses too.
    with pytest.raises(NotAllowed):
        services.record_lesson(
            schools["user"],
            school_class=target,
            date=datetime.date(2019, 10, 8),
            hours=1,
            topic="x",
            teacher_name="y",
        )
    assert (Lesson.objects.count(), SchoolClass.objects.count(), _changes()) == before


def test_it_sees_only_its_school_in_lists_and_counts(world, schools, api_as, client):
    api = api_as(schools["user"])
    own = schools["own"]
    assert [s["id"] for s in api.get("/api/v1/schools/").json()["results"]] == [own.pk]
    classes = api.get("/api/v1/school-classes/").json()
    assert classes["count"] == 1 and classes["results"][0]["school"] == own.pk
    hours = api.get("/api/v1/class-hours/?school_year=2019-2020").json()["results"]
    assert [r["school_class"] for r in hours] == [schools["classes"]["own"].pk]
    assert api.get(f"/api/v1/schools/{schools['neighbour'].pk}/").status_code == 404
    assert api.get(f"/api/v1/class-hours/?school={schools['other'].pk}").status_code == 404
    client.force_login(schools["user"])
    page = client.get(reverse("prevention:school_list")).content.decode()
    assert "甲镇中学" in page and "甲镇中心小学" not in page and "乙乡中学" not in page
    hours_page = client.get(reverse("prevention:class_hours") + "?school_year=2019-2020")
    assert hours_page.status_code == 200
    assert "甲镇中心小学" not in hours_page.content.decode()


# Everything else: nothing of the township, the people under control, enforcement, precursors
# or the cockpit (403, 404, or an empty list as for any other out-of-scope record).
@pytest.mark.parametrize(
    "url",
    [
        "/control/",
        "/enforcement/",
        "/precursors/",
        "/cockpit/",
        "/orgs/",
        "/prevention/activities/",
        "/prevention/fixtures/",
        "/prevention/targets/",
        "/prevention/surveys/",
        "/prevention/population/",
        "/supervision/",
        "/accounts/users/",
    ],
)
def test_it_reaches_no_other_page(world, schools, client, url):
    client.force_login(schools["user"])
    response = client.get(url)
    assert response.status_code in (200, 403, 404), (url, response.status_code)
    if response.status_code == 200:
        # A list of its (empty) jurisdiction: no unit, leader or record of the township.
        body = response.content.decode()
        assert not [m for m in ("甲一村", "赵测试", "乙乡", "甲镇派出所") if m in body], url


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/persons/",
        "/api/v1/cases/",
        "/api/v1/enterprises/",
        "/api/v1/org-units/",
        "/api/v1/prevention-activities/",
        "/api/v1/obligations/",
        "/api/v1/positions/",
    ],
)
def test_its_api_lists_are_empty_or_refused(world, schools, api_as, url):
    response = api_as(schools["user"]).get(url)
    assert response.status_code in (200, 403, 404), (url, response.status_code)
    if response.status_code == 200:
        body = response.json()
        assert body.get("count", 0) == 0 and not body.get("results"), (url, body)


def test_its_menu_and_home_show_its_school_and_the_classes_short_of_hours(world, schools, client):
    client.force_login(schools["user"])
    home = client.get("/").content.decode()
    assert reverse("prevention:school_detail", args=[schools["own"].pk]) in home
    assert reverse("prevention:class_hours") in home
    for other in ("control:home", "enforcement:home", "orgs:unit_list", "prevention:activity_list"):
        try:
            assert reverse(other) not in home, other
        except Exception as exc:  # a URL name that does not exist here
            if "NoReverseMatch" not in type(exc).__name__:
                raise
    assert client.get(reverse("prevention:home")).url == reverse(
        "prevention:school_detail", args=[schools["own"].pk]
    )


def test_the_office_and_the_bureau_create_accounts_on_the_school_page(world, schools, client):
    client.force_login(world.users["member"])
    url = reverse("prevention:school_detail", args=[schools["other"].pk])
    response = client.post(
        url,
        {
            "form": "account",
            "acc-username": "yixiang_school",
            "acc-password": PASSWORD,
            "acc-full_name": "钱老师",
        },
    )
    assert response.status_code == 302
    account = SchoolAccount.objects.get(user__username="yixiang_school")
    assert account.school == schools["other"] and account.user.unit == world.township_b
    # A taken username: refused in Chinese, nothing created.
    before = User.objects.count()
    again = client.post(
        url,
        {"form": "account", "acc-username": "yixiang_school", "acc-password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert again.status_code == 200 and "用户名" in again.content.decode()
    assert User.objects.count() == before
    # A township may not; nor the school account itself.
    for persona in (world.users["township_b"], schools["user"]):
        client.force_login(persona)
        status = client.post(
            url
            if persona != schools["user"]
            else reverse("prevention:school_detail", args=[schools["own"].pk]),
            {"form": "account", "acc-username": "x_school", "acc-password": PASSWORD},
        ).status_code
        assert status in (403, 404)
    assert not User.objects.filter(username="x_school").exists()


def test_a_school_account_is_not_made_bare_in_user_management(world):
    from jindu.accounts import services as accounts

    with pytest.raises(Refused) as refused:
        accounts.create_user(
            world.users["office_admin"],
            username="bare",
            password=PASSWORD,
            role="school",
            unit=world.township_a,
        )
    assert refused.value.field == "role"


def test_its_role_and_unit_stay(world, schools):
    from jindu.accounts import services as accounts

    office = world.users["office_admin"]
    for change in ({"role": "township"}, {"unit": world.township_b}):
        with pytest.raises(Refused):
            accounts.update_user(office, schools["user"], **change)
    with pytest.raises(Refused):
        accounts.update_user(office, world.users["township_a"], role="school")


def test_an_unbound_or_deactivated_account_sees_nothing(world, schools):
    SchoolAccount.objects.all().delete()
    user = User.objects.get(pk=schools["user"].pk)
    assert scope_for(user).is_empty and not scope_for(user).bound
    assert not School.objects.restrict(user).exists()
    assert not SchoolClass.objects.restrict(user).exists()


def test_bad_input_on_its_own_class_is_refused_in_chinese_naming_the_field(world, schools, client):
    own = schools["classes"]["own"]
    client.force_login(schools["user"])
    response = client.post(
        reverse("prevention:class_detail", args=[own.pk]),
        _lesson(hours="9"),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200 and "课时" in response.content.decode()
    assert not Lesson.objects.exists()


def test_user_management_keeps_a_school_accounts_role_and_unit(world, schools, client):
    client.force_login(world.users["office_admin"])
    form = client.get(reverse("accounts:user_create")).content.decode()
    assert 'value="school"' not in form
    user = schools["user"]
    response = client.post(
        reverse("accounts:user_edit", args=[user.pk]),
        {
            "full_name": "孙校长",
            "role": "township",
            "unit": world.township_b.pk,
            "phone": "",
            "email": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    user.refresh_from_db()
    assert (user.full_name, user.role, user.unit) == ("孙校长", "school", world.township_a)
