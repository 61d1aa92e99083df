"""The raw write ceiling for `python -m bench scans`: a bare Django view that locks a
row, counts rows and inserts one, in one transaction — the least a write that guards
an invariant costs on this stack. A URLconf of the benchmark's own (see
bench/ceiling_settings.py): the site's URLs are served unchanged beside it."""

from django.db import connection, transaction
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from spanglish.urls import (  # noqa: F401 - the site's error pages too
    handler400,
    handler403,
    handler404,
    handler500,
)
from spanglish.urls import urlpatterns as site_urlpatterns


def create_tables() -> None:
    """Create (or empty) the ceiling's two tables in the benchmark database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_ceiling_lock (id integer PRIMARY KEY)"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_ceiling_row "
            "(id bigserial PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now())"
        )
        cursor.execute(
            "INSERT INTO bench_ceiling_lock (id) VALUES (1) ON CONFLICT DO NOTHING"
        )
        cursor.execute("TRUNCATE bench_ceiling_row")


@csrf_exempt
@require_POST
def write_ceiling(request):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT id FROM bench_ceiling_lock WHERE id = 1 FOR UPDATE")
        cursor.execute("SELECT count(*) FROM bench_ceiling_row")
        count = cursor.fetchone()[0]
        cursor.execute("INSERT INTO bench_ceiling_row DEFAULT VALUES")
    return JsonResponse({"ok": True, "count": count + 1})


urlpatterns = [path("bench/write-ceiling", write_ceiling), *site_urlpatterns]
