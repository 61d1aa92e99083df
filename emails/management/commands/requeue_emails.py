"""Put emails back in the queue: the stuck ones (a worker died while sending them),
and failed ones when asked (after fixing the mail settings, say)."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from emails.models import EmailLog
from emails.recovery import RequeueResult, email_failed_requeue, email_leases_recover


def _ids(ids: list[int]) -> str:
    shown = ", ".join(f"#{pk}" for pk in ids[:20])
    return shown + (f" and {len(ids) - 20} more" if len(ids) > 20 else "")


class Command(BaseCommand):
    help = (
        "Requeue emails stuck in 'sending' whose worker stopped (their lease ran "
        "out); one whose worker stopped on every attempt is marked failed. With "
        "--failed, also requeue failed emails (with fresh attempts) from the last "
        "--hours, narrowed by --template, --bulk or --id. Sign-in and other "
        "credential emails are never requeued. Prints what it did."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--failed",
            action="store_true",
            help="Also requeue failed emails (see --hours, --template, --bulk, --id).",
        )
        parser.add_argument(
            "--hours",
            type=int,
            default=24,
            help="With --failed: only emails queued within this many hours "
            "(default 24; 0: any age).",
        )
        parser.add_argument(
            "--template", help="With --failed: only emails of this template."
        )
        parser.add_argument(
            "--bulk", type=int, help="With --failed: only emails of this bulk email."
        )
        parser.add_argument(
            "--id",
            type=int,
            action="append",
            dest="ids",
            help="With --failed: only this email (repeat for several).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would be requeued without changing anything.",
        )

    def handle(self, *args, failed=False, hours=24, template=None, bulk=None,
               ids=None, dry_run=False, **options):  # fmt: skip
        if not failed and (template or bulk or ids):
            raise CommandError("--template, --bulk and --id go with --failed.")
        if hours < 0:
            raise CommandError("--hours cannot be negative.")
        verb = "Would requeue" if dry_run else "Requeued"
        stuck = email_leases_recover(dry_run=dry_run)
        self._report_stuck(stuck, verb=verb, dry_run=dry_run)
        if not failed:
            return
        rows = EmailLog.objects.all()
        if hours:
            rows = rows.filter(created_at__gte=timezone.now() - timedelta(hours=hours))
        if template:
            rows = rows.filter(template=template)
        if bulk:
            rows = rows.filter(bulk_id=bulk)
        if ids:
            rows = rows.filter(pk__in=ids)
        again = email_failed_requeue(rows=rows, dry_run=dry_run)
        if again.requeued:
            self.stdout.write(
                f"{verb} {len(again.requeued)} failed email(s): {_ids(again.requeued)}."
            )
        else:
            self.stdout.write("No failed emails to requeue.")

    def _report_stuck(self, result: RequeueResult, *, verb: str, dry_run: bool):
        if not (result.requeued or result.failed):
            self.stdout.write("No stuck emails.")
            return
        if result.requeued:
            self.stdout.write(
                f"{verb} {len(result.requeued)} stuck email(s) whose worker "
                f"stopped: {_ids(result.requeued)}."
            )
        if result.failed:
            would = "Would mark" if dry_run else "Marked"
            self.stdout.write(
                f"{would} {len(result.failed)} failed: their worker stopped on "
                f"every attempt: {_ids(result.failed)}."
            )
