"""Model instances from rows of the few hand-written statements on hot paths (the
booking's event lock, the door's one-statement check-in, the API's user lookup),
converted as the ORM converts its own rows, so the instances are the ones a
queryset would have built."""

from weakref import WeakKeyDictionary

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
