from django.core.management.base import BaseCommand

from tickets.services import tickets_expire_stale, waitlist_expire_offers


class Command(BaseCommand):
    help = (
        "Expire unpaid tickets whose seat hold ran out and waiting-list offers nobody "
        "took; each freed seat is offered to the next person waiting. Run every minute."
    )

    def handle(self, *args, **options):
        tickets = tickets_expire_stale()
        offers = waitlist_expire_offers()
        self.stdout.write(
            f"Expired {tickets} ticket holds and {offers} waiting-list offers."
        )
