"""Periodic jobs of the payments app (operations/jobs.py schedules and records them)."""

import io
from datetime import timedelta

from django.core.management import call_command

from operations.jobs import periodic


@periodic("*/5 * * * *", lease=timedelta(minutes=30))
def reconcile_payments() -> str:
    """Ask Stripe and MercadoPago about payments pending for over two minutes: a
    webhook may have been missed. Runs `manage.py reconcile_payments`, where the
    loop over payment_reconcile lives."""
    out, err = io.StringIO(), io.StringIO()
    call_command("reconcile_payments", stdout=out, stderr=err)
    return (out.getvalue() + err.getvalue()).strip()
