"""Data generators for benchmarks: fictional organisations of any size, written in bulk.

They bypass the services on purpose (a province of 44,000 units through the audited service
would measure the audit trail, not the feature under test)."""

from __future__ import annotations

import os
import resource
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jindu.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("JINDU_IGNORE_ENV_FILE", "1")
    import django

    django.setup()


def province(townships: int = 2000, villages_per_township: int = 20, member_units: int = 2000):
    """A fictional province as one flat tree: a root, townships, villages, member units.
    Codes are synthetic (not real division codes). Returns the root unit."""
    from django.db import transaction

    from jindu.orgs.models import OrgUnit

    with transaction.atomic():
        root = OrgUnit.objects.create(
            code="990000000000", name="基准省", kind="county", level="county", path="/"
        )
        root.path = f"/{root.pk}/"
        root.save(update_fields=["path"])
        rows = [
            OrgUnit(
                code=f"99{t:06d}0000",
                name=f"基准乡镇{t}",
                kind="township",
                level="township",
                parent=root,
                path="",
            )
            for t in range(1, townships + 1)
        ]
        OrgUnit.objects.bulk_create(rows, batch_size=5000)
        tships = list(OrgUnit.objects.filter(level="township", parent=root))
        OrgUnit.objects.bulk_update(
            [_with_path(t, root.path) for t in tships], ["path"], batch_size=5000
        )
        village_rows = []
        for t in tships:
            for v in range(1, villages_per_township + 1):
                village_rows.append(
                    OrgUnit(
                        code=f"{t.code[:8]}{v:04d}",
                        name=f"{t.name}村{v}",
                        kind="village",
                        level="village",
                        parent=t,
                        path="",
                    )
                )
        OrgUnit.objects.bulk_create(village_rows, batch_size=5000)
        by_id = {t.pk: t for t in tships}
        villages = list(OrgUnit.objects.filter(level="village").only("pk", "parent_id"))
        OrgUnit.objects.bulk_update(
            [_with_path(v, by_id[v.parent_id].path) for v in villages], ["path"], batch_size=5000
        )
        OrgUnit.objects.bulk_create(
            [
                OrgUnit(
                    code=f"99M{m:05d}",
                    name=f"成员单位{m}",
                    kind="member_unit",
                    level="department",
                    parent=root,
                    path="",
                )
                for m in range(1, member_units + 1)
            ],
            batch_size=5000,
        )
        departments = list(OrgUnit.objects.filter(level="department").only("pk"))
        OrgUnit.objects.bulk_update(
            [_with_path(d, root.path) for d in departments], ["path"], batch_size=5000
        )
    return root


def _with_path(unit, parent_path: str):
    unit.path = f"{parent_path}{unit.pk}/"
    return unit


def peak_rss_kb() -> int:
    """This process's peak resident memory in KiB. Linux's ``VmHWM`` belongs to the process
    image; ``ru_maxrss`` would carry over the parent's peak across fork and exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
