"""Payments move to payables, step two: fill `payable_kind` / `payable_id` (and
`event`) from the old `ticket` / `pass_purchase` columns. A migration of its own:
PostgreSQL refuses to alter a table (add an index, drop a column) in the
transaction that just updated its rows (pending foreign key trigger events)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery

BATCH = 500


def fill_payables(apps, schema_editor):
    Payment = apps.get_model("payments", "Payment")
    # tickets 0001 is an ancestor (payments 0001 depends on it): in the state.
    Ticket = apps.get_model("tickets", "Ticket")
    rows = []
    for payment in Payment.objects.only(
        "pk", "ticket_id", "pass_purchase_id"
    ).iterator():
        if payment.ticket_id is not None:
            payment.payable_kind, payment.payable_id = "ticket", str(payment.ticket_id)
        else:
            payment.payable_kind = "pass"
            payment.payable_id = str(payment.pass_purchase_id)
        rows.append(payment)
        if len(rows) >= BATCH:
            Payment.objects.bulk_update(rows, ["payable_kind", "payable_id"])
            rows = []
    Payment.objects.bulk_update(rows, ["payable_kind", "payable_id"])
    Payment.objects.filter(ticket__isnull=False).update(
        event_id=Subquery(
            Ticket.objects.filter(pk=OuterRef("ticket_id")).values("event_id")[:1]
        )
    )
    # Cash taken for a pass at an event's door counts in that event's cash-up.
    # Raw SQL: passes' `sold_at_event` (passes 0002) is not in the state this
    # migration sees, and depending on passes would point a dependency up. A
    # database with such payments has long applied passes 0002.
    cash_for_passes = Payment.objects.filter(
        pass_purchase__isnull=False, provider="cash"
    )
    if cash_for_passes.exists():
        payments = schema_editor.quote_name(Payment._meta.db_table)
        schema_editor.execute(
            f"UPDATE {payments} SET event_id = ("  # noqa: S608 (table names only)
            "SELECT p.sold_at_event_id FROM passes_pass p "
            f"WHERE p.id = {payments}.pass_purchase_id) "
            "WHERE pass_purchase_id IS NOT NULL AND provider = 'cash'"
        )


def fill_foreign_keys(apps, schema_editor):
    Payment = apps.get_model("payments", "Payment")
    rows = []
    for payment in Payment.objects.only("pk", "payable_kind", "payable_id").iterator():
        if payment.payable_kind == "ticket":
            payment.ticket_id = payment.payable_id
        else:
            payment.pass_purchase_id = payment.payable_id
        rows.append(payment)
        if len(rows) >= BATCH:
            Payment.objects.bulk_update(rows, ["ticket", "pass_purchase"])
            rows = []
    Payment.objects.bulk_update(rows, ["ticket", "pass_purchase"])


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0006_payment_payable"),
    ]

    operations = [
        migrations.RunPython(fill_payables, fill_foreign_keys),
    ]
