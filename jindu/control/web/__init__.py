"""Web pages of the control area, one module per group of pages: the registry's list and
export (``person_list``), registering and correcting (``person_form``), the person's file
(``person_file``), the actions on a person (``person_actions``), the office's lists
(``office_lists``), relapse reports (``relapse``), the five targets (``kpis``) and the roster
import (``roster``).

Each module keeps its own ``urlpatterns``; ``jindu/control/urls.py`` joins them.
"""

from django.core.exceptions import PermissionDenied

from jindu.core.errors import Refused
from jindu.core.views import apply_refusal

from ..models import works_on_control
from ..policy import control_policy


def require_control(user) -> None:
    """Pages of the control roles only: anyone else gets 403, whatever the id (grid workers
    report relapse on their own pages; member units have no part in the registry)."""
    if not works_on_control(user):
        raise PermissionDenied


def refusal_context(form, exc: Refused) -> dict:
    """A refusal citing articles is shown above the form with their text; a plain validation
    problem goes next to its field."""
    if exc.status == 403:
        raise PermissionDenied
    if not exc.basis:
        apply_refusal(form, exc)
        return {}
    articles = control_policy().articles
    return {
        "refusal": exc.message,
        "refusal_articles": [
            (number, articles[number].text if number in articles else "") for number in exc.basis
        ],
    }
