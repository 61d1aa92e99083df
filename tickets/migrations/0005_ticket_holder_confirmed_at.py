from django.db import migrations, models
from django.db.models import F


def confirm_existing(apps, schema_editor):
    # Whether an existing ticket was booked signed in or by a stranger typing the
    # address cannot be known any more. Marking them all as taken up keeps every
    # member's attendance history (and pay-ahead standing) as it was; only tickets
    # booked from now on can be left unconfirmed.
    Ticket = apps.get_model("tickets", "Ticket")
    Ticket.objects.filter(holder_confirmed_at__isnull=True).update(
        holder_confirmed_at=F("created_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0004_language_side_tables"),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="holder_confirmed_at",
            field=models.DateTimeField(
                blank=True,
                help_text=(
                    "When the holder booked it signed in or opened the link emailed "
                    "to them. Only such tickets count as no-shows."
                ),
                null=True,
                verbose_name="confirmed by its holder at",
            ),
        ),
        migrations.RunPython(confirm_existing, migrations.RunPython.noop),
    ]
