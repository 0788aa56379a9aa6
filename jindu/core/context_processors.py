from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jindu.core.scoping import scope_for


def navigation(request):
    """The menu, adapted to the role: only what the user may open is shown."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_for(user)
    items = [(_("Home"), reverse("home"), "home")]
    if not scope.is_empty:
        if scope.role != "grid_worker":
            items.append((_("Key rectification"), reverse("rectification:board"), "rectification"))
        if scope.everything:
            items.append((_("Supervision"), reverse("supervision:board"), "supervision"))
            items.append(
                (_("Accountability"), reverse("accountability:action_list"), "accountability")
            )
        else:
            items.append((_("To do"), reverse("supervision:todo"), "supervision"))
        if scope.role == "member_unit":
            items.append(
                (_("Paired assistance"), reverse("accountability:my_assignments"), "assistance")
            )
        # Drug-user control: relapse reports and the five targets.
        from jindu.control.models import works_on_control

        if scope.role == "grid_worker":
            items.append((_("Relapse reports"), reverse("control:relapse_mine"), "relapse"))
        elif works_on_control(user):
            items.append((_("Relapse reports"), reverse("control:relapse_inbox"), "relapse"))
            items.append((_("Control targets"), reverse("control:kpis"), "kpis"))
            items.append((_("People under control"), reverse("control:person_list"), "control"))
        items.append((_("Organisation"), reverse("orgs:unit_list"), "orgs"))
    if user.is_office_admin:
        items.append((_("Users"), reverse("accounts:user_list"), "users"))
        items.append((_("Audit trail"), reverse("audit:event_list"), "audit"))
    from jindu.supervision.models import Notification

    unread = Notification.objects.filter(user=user, read_at__isnull=True).count()
    return {"nav_items": items, "user_scope": scope, "unread_notifications": unread}
