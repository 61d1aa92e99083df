"""Periodic jobs of the payments app (spanglish/jobs.py schedules them, operations records them)."""

import io
from datetime import timedelta

from django.core.management import call_command

from spanglish.jobs import periodic


@periodic("*/5 * * * *", lease=timedelta(minutes=30))
def reconcile_payments() -> str:
    """Ask Stripe and MercadoPago about payments pending for over two minutes (a
    webhook may have been missed) and about refunds left pending for over five (a
    crash between the provider's answer and settling). Runs `manage.py
    reconcile_payments`, where the loops over the reconcile services live."""
    out, err = io.StringIO(), io.StringIO()
    call_command("reconcile_payments", stdout=out, stderr=err)
    return (out.getvalue() + err.getvalue()).strip()
