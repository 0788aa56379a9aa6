"""Web pages of the control area, one module per part (registry, relapse, kpis, roster).

Each module keeps its own ``urlpatterns``; ``jindu/control/urls.py`` joins them.
"""

from django.core.exceptions import PermissionDenied

from ..models import works_on_control


def require_control(user) -> None:
    """Pages of the control roles only: anyone else gets 403, whatever the id."""
    if not works_on_control(user):
        raise PermissionDenied
