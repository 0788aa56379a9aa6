"""Bulk insert shared by the importers and the benchmarks' loaders: ``bulk_create``, or on
PostgreSQL a ``COPY`` (several times faster for thousands of rows)."""

from __future__ import annotations

import datetime

from django.db import connections, router

# Columns whose database value is the Python value itself when it is one of _PLAIN_VALUES
# (``get_db_prep_save`` returns it unchanged on PostgreSQL), and which ``pre_save`` does not
# set; every other field (JSON, date-times, auto_now …) goes through the field's own methods.
_PLAIN_TYPES = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "ForeignKey",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
}
_PLAIN_VALUES = (str, int, bool, datetime.date)


def _is_plain(field) -> bool:
    return (
        field.get_internal_type() in _PLAIN_TYPES
        and not getattr(field, "auto_now", False)
        and not getattr(field, "auto_now_add", False)
    )


def insert(model, objects: list, *, ids: bool = False) -> None:
    """Insert unsaved model instances at once: ``bulk_create``, or on PostgreSQL a ``COPY``
    (several times faster for thousands of rows). The values are the model fields' own
    (``pre_save`` and ``get_db_prep_save``, as ``bulk_create`` uses); with ``ids`` the
    primary keys are taken from the table's sequence first, so related rows can follow."""
    if not objects:
        return
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objects)
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    qn = connection.ops.quote_name
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(objects)],
            )
            for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
                obj.pk = pk
            fields = [meta.pk, *fields]
        columns = ", ".join(qn(f.column) for f in fields)
        sql = f"COPY {qn(meta.db_table)} ({columns}) FROM STDIN"
        plan = [(f, f.attname, _is_plain(f)) for f in fields]
        with cursor.cursor.copy(sql) as copy:
            for obj in objects:
                row = []
                for f, attname, plain in plan:
                    value = getattr(obj, attname) if plain else f.pre_save(obj, True)
                    if not (plain and (value is None or type(value) in _PLAIN_VALUES)):
                        value = f.get_db_prep_save(value, connection)
                    row.append(value)
                copy.write_row(row)
    for obj in objects:
        obj._state.adding = False
        obj._state.db = alias
