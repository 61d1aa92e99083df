"""Payments become generic over what is paid (payments.payables): the `ticket` and
`pass_purchase` foreign keys (relations pointing up, at tickets and passes) give way
to `payable_kind` / `payable_id` (filled by 0007, the keys dropped by 0008). `event` keeps
the ticket's event (or the door a pass was sold at for cash) for the admin's
totals and the door's cash-up."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0003_language_split"),
        ("payments", "0005_refund_provider_id_once"),
    ]

    operations = [
        migrations.AddField(
            model_name="payment",
            name="payable_kind",
            field=models.CharField(default="", max_length=32, verbose_name="paid for"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="payment",
            name="payable_id",
            field=models.CharField(
                default="", max_length=64, verbose_name="paid item id"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="payment",
            name="event",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="events.event",
                verbose_name="event",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="payment", name="payment_for_ticket_xor_pass"
        ),
    ]
