"""Ask the providers about payments still pending and refunds left reserved: a
webhook may have been missed, or a crash came between a provider's answer and
our settling it."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from payments import services
from payments.models import Payment, PaymentStatus, Provider, RefundStatus
from payments.providers.base import ProviderError


class Command(BaseCommand):
    help = (
        "Re-check pending online payments and refunds left pending with Stripe "
        "and MercadoPago."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--min-age",
            type=int,
            default=2,
            help="Only payments pending for at least this many minutes (default 2).",
        )
        parser.add_argument(
            "--refund-min-age",
            type=int,
            default=5,
            help="Only refunds pending for at least this many minutes (default 5): "
            "a younger one may still be waiting for the provider's answer.",
        )

    def handle(self, *args, min_age, refund_min_age, **options):
        cutoff = timezone.now() - timedelta(minutes=min_age)
        pending = Payment.objects.filter(
            status=PaymentStatus.PENDING, created_at__lte=cutoff
        ).exclude(provider=Provider.CASH)
        counts = self._each(
            pending, lambda payment: services.payment_reconcile(payment=payment)
        )
        summary = ", ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "nothing"
        self.stdout.write(f"Reconciled pending payments: {summary}")

        refund_cutoff = timezone.now() - timedelta(minutes=refund_min_age)
        reserved = (
            Payment.objects.filter(
                refunds__status=RefundStatus.PENDING,
                refunds__created_at__lte=refund_cutoff,
            )
            .exclude(provider=Provider.CASH)
            .distinct()
        )
        counts = self._each(
            reserved,
            lambda payment: services.payment_refunds_reconcile(
                payment=payment, older_than=refund_cutoff
            ),
        )
        summary = ", ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "nothing"
        self.stdout.write(f"Reconciled pending refunds: {summary}")

    def _each(self, payments, reconcile) -> dict[str, int]:
        counts: dict[str, int] = {}
        for payment in payments.iterator():
            try:
                result = reconcile(payment)
            except ProviderError as exc:
                result = "error"
                self.stderr.write(f"{payment.pk}: {exc}")
            counts[result] = counts.get(result, 0) + 1
        return counts
