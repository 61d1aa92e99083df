"""Ask the providers about payments still pending: a webhook may have been missed."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from payments import services
from payments.models import Payment, PaymentStatus
from payments.providers.base import ProviderError


class Command(BaseCommand):
    help = "Re-check pending online payments with Stripe and MercadoPago."

    def add_arguments(self, parser):
        parser.add_argument(
            "--min-age",
            type=int,
            default=2,
            help="Only payments pending for at least this many minutes (default 2).",
        )

    def handle(self, *args, min_age, **options):
        cutoff = timezone.now() - timedelta(minutes=min_age)
        pending = Payment.objects.filter(
            status=PaymentStatus.PENDING, created_at__lte=cutoff
        ).exclude(provider="cash")
        counts: dict[str, int] = {}
        for payment in pending.iterator():
            try:
                result = services.payment_reconcile(payment=payment)
            except ProviderError as exc:
                result = "error"
                self.stderr.write(f"{payment.pk}: {exc}")
            counts[result] = counts.get(result, 0) + 1
        summary = ", ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "nothing"
        self.stdout.write(f"Reconciled pending payments: {summary}")
