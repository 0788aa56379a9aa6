"""Population figures move to the one store every area reads (enforcement.Population, which
gained the kind 户籍/常住): the figures entered here are copied there (a figure already
entered there for the same unit, year and kind is kept), then this table goes."""

from django.db import migrations


def copy_figures(apps, schema_editor):
    Old = apps.get_model("prevention", "Population")
    New = apps.get_model("enforcement", "Population")
    for row in Old.objects.all().iterator():
        New.objects.get_or_create(
            org_unit_id=row.org_unit_id,
            year=row.year,
            kind=row.kind,
            defaults={"residents": row.count, "source": row.source[:200]},
        )


def copy_back(apps, schema_editor):
    Old = apps.get_model("prevention", "Population")
    New = apps.get_model("enforcement", "Population")
    for row in New.objects.all().iterator():
        Old.objects.get_or_create(
            org_unit_id=row.org_unit_id,
            year=row.year,
            kind=row.kind,
            defaults={"count": row.residents, "source": row.source or "—"},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("prevention", "0001_initial"),
        ("enforcement", "0002_population_kind_one_store"),
    ]

    operations = [
        migrations.RunPython(copy_figures, copy_back),
        migrations.DeleteModel(name="Population"),
    ]
