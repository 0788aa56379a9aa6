"""The school account's binding (学校账号): the scoping layer asks here what it sees.

``jindu.core.scoping`` decides every row anyone sees; a school account has no subtree, it is
bound to its school (``SchoolAccount``). Registered in ``AppConfig.ready()``: the school, its
classes, their lessons, the school's records and figures — and nothing of any other model.
"""

from django.db.models import Q

from jindu.accounts.roles import Role
from jindu.core.scoping import bind_role

from .models import Lesson, QingjiaoFigures, School, SchoolAccount, SchoolClass, SchoolRecord

# Each model the binding opens → the lookup to its school's id.
SCHOOL_LOOKUPS = {
    School: "pk",
    SchoolClass: "school_id",
    Lesson: "school_class__school_id",
    SchoolRecord: "school_id",
    QingjiaoFigures: "school_id",
}


def school_of(user) -> int | None:
    """The id of the school ``user`` is bound to (an active school account), or None."""
    return (
        SchoolAccount.objects.filter(user_id=user.pk, user__role=Role.SCHOOL)
        .values_list("school_id", flat=True)
        .first()
    )


def condition(school_id: int, model) -> Q | None:
    lookup = SCHOOL_LOOKUPS.get(model)
    return None if lookup is None else Q(**{lookup: school_id})


def register() -> None:
    bind_role(Role.SCHOOL, resolve=school_of, condition=condition)
