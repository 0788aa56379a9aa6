"""Picker source of user accounts (e.g. the responsible person's account)."""

from django.db.models import Q

from jindu.core.pickers import Choice, picker_source, split_param
from jindu.core.scoping import VIEW

from .models import User


def _user_choice(user: User) -> Choice:
    detail = " · ".join(
        p for p in (user.full_name, user.get_role_display(), str(user.unit or "")) if p
    )
    return Choice(user.pk, user.username, detail)


@picker_source("users", choice=_user_choice)
def users(user, q, params):
    rows = User.objects.restrict(user, VIEW).filter(is_active=True).select_related("unit")
    if roles := split_param(params, "role"):
        rows = rows.filter(role__in=roles)
    if q := q.strip():
        rows = rows.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    return rows.order_by("username")
