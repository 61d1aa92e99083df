"""Production settings plus a file mailbox shared by every process of the cluster
drill (bench/cluster.py): the web hosts and both task workers write each email they
send as a file under CLUSTER_MAIL_DIR, so the drill can count messages per
recipient. Loaded only by the drill (DJANGO_SETTINGS_MODULE=bench.cluster_settings)."""

import os

from spanglish.settings import *  # noqa: F403
from spanglish.settings import MAILERS

MAILERS["default"] = {
    "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
    "OPTIONS": {"file_path": os.environ["CLUSTER_MAIL_DIR"]},
}
