"""Which townships' figures a batch of changes touched, read from the audit trail.

Every business action of every area writes its audit row in the same transaction
(docs/architecture.md), so the audit rows after the last refresh are exactly the changes the
precomputed figures have not seen: no area has to know that the cockpit exists. A row is
placed by the record's own unit lookups (``scope_unit_field``, the ones scoping uses) and by
every unit it names in its changes (a person who moved touches both townships; a deleted
record is placed by its last snapshot). A change that cannot be placed (an import written as
one row, a record without a unit) touches every township.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import ForeignKey

from jindu.audit.models import AuditEvent
from jindu.core.scoping import path_lookups_for
from jindu.orgs.models import OrgUnit

# The apps whose records the registry's targets and the warning score read.
SOURCE_APPS = (
    "control",
    "enforcement",
    "prevention",
    "precursors",
    "supervision",
    "rectification",
    "orgs",
)
# Rows of these apps that are not records of the drug situation or the work (reading a file,
# a notification sent): they change no figure.
IGNORED_MODELS = {
    "control.FileAccess",
    "enforcement.IdentityAccess",
    "supervision.Notification",
}


@dataclass
class Changes:
    last_event_id: int
    events: int = 0
    paths: set[str] = field(default_factory=set)
    everything: bool = False


def _unit_fields(model) -> list[str]:
    return [
        f.name
        for f in model._meta.get_fields()
        if isinstance(f, ForeignKey) and f.related_model is OrgUnit
    ]


def read_changes(after_id: int, *, limit: int = 200_000) -> Changes:
    """The audit rows after ``after_id`` (at most ``limit``) of the source apps, placed."""
    rows = list(
        AuditEvent.objects.filter(pk__gt=after_id)
        .order_by("pk")
        .values_list("pk", "model", "object_id", "action", "changes")[:limit]
    )
    result = Changes(last_event_id=rows[-1][0] if rows else after_id)
    ids_by_model: dict[type, set] = defaultdict(set)
    unit_ids: set[int] = set()
    for _pk, label, object_id, _action, changes in rows:
        if not label or label.split(".")[0] not in SOURCE_APPS or label in IGNORED_MODELS:
            continue
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        result.events += 1
        if model is OrgUnit:
            # A unit created, moved or renamed: the tree itself changed.
            result.everything = True
            continue
        placed = False
        for name in _unit_fields(model):
            for value in (changes or {}).get(name, ()) or ():
                if isinstance(value, int):
                    unit_ids.add(value)
                    placed = True
        if object_id.isdigit():
            ids_by_model[model].add(int(object_id))
            placed = True
        if not placed:
            result.everything = True
    if result.everything:
        return result
    for model, ids in ids_by_model.items():
        try:
            lookups = path_lookups_for(model)
        except TypeError:
            result.everything = True
            return result
        for lookup in lookups:
            found = model._default_manager.filter(pk__in=ids).values_list(lookup, flat=True)
            result.paths.update(p for p in found if p)
    if unit_ids:
        result.paths.update(OrgUnit.objects.filter(pk__in=unit_ids).values_list("path", flat=True))
    return result


def townships_of(paths: set[str], townships: list[OrgUnit]) -> list[OrgUnit]:
    """The townships whose subtree holds one of ``paths``. A record above the townships (a
    member unit's, the county's own) is in no township's figure and touches none."""
    by_path = {t.path: t for t in townships}
    touched: dict[int, OrgUnit] = {}
    for path in paths:
        parts = path.strip("/").split("/")
        for i in range(len(parts), 0, -1):
            t = by_path.get("/" + "/".join(parts[:i]) + "/")
            if t is not None:
                touched[t.pk] = t
                break
    return sorted(touched.values(), key=lambda t: t.path)
