"""Every page URL of the control area is named literally in the module that serves it, so a
search for a URL name (``control:person_move``) finds its route; no name is assembled from
variables."""

import inspect
import sys

from jindu.control import urls


def test_every_url_name_is_written_where_its_route_is():
    missing = []
    for pattern in urls.urlpatterns:
        module = sys.modules[pattern.callback.__module__]
        if f'name="{pattern.name}"' not in inspect.getsource(module):
            missing.append(f"{pattern.name} ({module.__name__})")
    assert not missing, missing


def test_the_url_names_are_unique():
    names = [pattern.name for pattern in urls.urlpatterns]
    assert len(names) == len(set(names))
