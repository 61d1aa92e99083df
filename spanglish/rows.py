"""Model instances from rows of the few hand-written statements on hot paths (the
booking's event lock, the door's one-statement check-in, the API's user lookup),
converted as the ORM converts its own rows, so the instances are the ones a
queryset would have built."""

from django.db import connection


def column_list(fields, *, alias: str = "") -> str:
    """The quoted columns of `fields` for a SELECT or RETURNING list."""
    quote = connection.ops.quote_name
    prefix = f"{alias}." if alias else ""
    return ", ".join(f"{prefix}{quote(field.column)}" for field in fields)


def model_from_row(model, fields, row):
    """An instance of `model` from `row`, the values of `fields` (concrete fields of
    the model, in the model's order; the others are deferred)."""
    table = model._meta.db_table
    values = []
    for field, value in zip(fields, row, strict=True):
        column = field.get_col(table)
        for convert in [
            *connection.ops.get_db_converters(column),
            *field.get_db_converters(connection),
        ]:
            value = convert(value, column, connection)
        values.append(value)
    return model.from_db(connection.alias, [field.attname for field in fields], values)
