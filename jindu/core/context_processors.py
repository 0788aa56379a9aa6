from jindu.core.registry import extra_context, menu_items
from jindu.core.scoping import scope_for


def navigation(request):
    """The menu, adapted to the role: each area contributes the entries the user may open
    (``jindu.core.registry``)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_for(user)
    return {
        "nav_items": menu_items(user, scope),
        "user_scope": scope,
        **extra_context(user, scope),
    }
