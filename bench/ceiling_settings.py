"""Production settings plus the write-ceiling view (bench/ceiling.py): loaded only by
the scans benchmark's server (DJANGO_SETTINGS_MODULE=bench.ceiling_settings), never
by the site."""

from spanglish.settings import *  # noqa: F403

ROOT_URLCONF = "bench.ceiling"
