"""Model instances from rows of the few hand-written statements on hot paths (the
booking's event lock, the door's one-statement check-in, the API's user lookup),
converted as the ORM converts its own rows, so the instances are the ones a
queryset would have built."""

import functools
from weakref import WeakKeyDictionary

from django.core.exceptions import ValidationError
from django.db import connection

# Per connection (each thread has its own) and per list of fields: the columns with
# their converters, and the attribute names. Looking the converters up was most of
# the cost of a row: a user's row took 50 µs with the lookups and 16 µs without.
_READERS = WeakKeyDictionary()


def column_list(fields, *, alias: str = "") -> str:
    """The quoted columns of `fields` for a SELECT or RETURNING list."""
    quote = connection.ops.quote_name
    prefix = f"{alias}." if alias else ""
    return ", ".join(f"{prefix}{quote(field.column)}" for field in fields)


def _reader(model, fields):
    connection_readers = _READERS.get(connection.ops)
    if connection_readers is None:
        connection_readers = _READERS[connection.ops] = {}
    key = (model, tuple(fields))
    reader = connection_readers.get(key)
    if reader is None:
        table = model._meta.db_table
        converters = []
        for field in fields:
            column = field.get_col(table)
            converters.append(
                (
                    column,
                    (
                        *connection.ops.get_db_converters(column),
                        *field.get_db_converters(connection),
                    ),
                )
            )
        reader = connection_readers[key] = (
            converters,
            [field.attname for field in fields],
        )
    return reader


def model_from_row(model, fields, row):
    """An instance of `model` from `row`, the values of `fields` (concrete fields of
    the model, in the model's order; the others are deferred)."""
    converters, attnames = _reader(model, fields)
    values = []
    for (column, convert_all), value in zip(converters, row, strict=True):
        for convert in convert_all:
            value = convert(value, column, connection)
        values.append(value)
    return model.from_db(connection.alias, attnames, values)


@functools.cache
def _by_pk_sql(model, names: tuple[str, ...]) -> str:
    quote = connection.ops.quote_name
    meta = model._meta
    columns = [meta.pk.column, *(meta.get_field(name).column for name in names)]
    return (
        # Names from the model, quoted; every value is a parameter.
        f"SELECT {column_list(meta.concrete_fields)} FROM {quote(meta.db_table)} "  # noqa: S608
        f"WHERE {' AND '.join(f'{quote(column)} = %s' for column in columns)}"
    )


def instance_by_pk(model, pk, **equal):
    """The instance of `model` with primary key `pk` (a value or its text) whose
    fields `equal` hold those values, every column: one statement built once per
    model and fields, not a queryset built and compiled per call. None when there
    is no such row or `pk` is malformed."""
    meta = model._meta
    try:
        value = meta.pk.get_db_prep_value(meta.pk.to_python(pk), connection)
    except ValidationError:
        return None
    names = tuple(sorted(equal))
    params = [value] + [
        meta.get_field(name).get_db_prep_value(equal[name], connection)
        for name in names
    ]
    with connection.cursor() as cursor:
        cursor.execute(_by_pk_sql(model, names), params)
        row = cursor.fetchone()
    return None if row is None else model_from_row(model, meta.concrete_fields, row)
