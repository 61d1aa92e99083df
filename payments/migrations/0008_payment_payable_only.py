"""Payments move to payables, step three (0007 filled `payable_kind` /
`payable_id`): the old foreign keys go. A migration of its own, because PostgreSQL
refuses to alter a table in the transaction that just updated its rows (pending
foreign key trigger events)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0007_payment_payable_fill"),
    ]

    operations = [
        migrations.RemoveField(model_name="payment", name="ticket"),
        migrations.RemoveField(model_name="payment", name="pass_purchase"),
        migrations.AddConstraint(
            model_name="payment",
            constraint=models.CheckConstraint(
                condition=models.Q(("payable_kind", ""), _negated=True)
                & models.Q(("payable_id", ""), _negated=True),
                name="payment_has_payable",
            ),
        ),
        migrations.AddIndex(
            model_name="payment",
            index=models.Index(
                fields=["payable_kind", "payable_id"], name="payment_payable"
            ),
        ),
    ]
