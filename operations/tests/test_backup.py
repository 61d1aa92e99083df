"""backup → restore → identical data, on SQLite and PostgreSQL; bad archives refused."""

import io
import json
import os
import stat
import tarfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from pyrage import x25519

from community.models import User
from events.models import Event
from events.tests.factories import EventFactory
from operations.backup.retention import to_delete
from operations.models import Heartbeat
from tickets.models import Ticket
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def keys(settings, tmp_path):
    identity = x25519.Identity.generate()
    settings.BACKUP_AGE_RECIPIENT = str(identity.to_public())
    settings.BACKUP_AGE_IDENTITY = str(identity)
    settings.BACKUP_AGE_IDENTITY_FILE = ""
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.BACKUP_S3_BUCKET = ""
    return identity


def _state() -> dict:
    return {
        "users": sorted(User.objects.values_list("email", "name")),
        "events": sorted(Event.objects.values_list("slug", "title_en", "capacity")),
        "tickets": sorted(
            (str(pk), status)
            for pk, status in Ticket.objects.values_list("id", "status")
        ),
        "media": default_storage.open("banners/one.txt").read(),
    }


def _backup(*args) -> Path:
    out = io.StringIO()
    call_command("backup", *args, stdout=out)
    line = out.getvalue().splitlines()[0]
    return Path(line.split("Backup written: ")[1].split(" (")[0])


def _seed():
    event = EventFactory(title_en="Before the backup")
    TicketFactory.create_batch(3, event=event)
    default_storage.save("banners/one.txt", ContentFile(b"original banner"))
    return event


def test_restore_brings_back_exactly_the_backed_up_data(keys):
    event = _seed()
    archive = _backup()
    assert archive.name.endswith(".tar.age")
    before = _state()

    # Life goes on after the backup: edits, deletions, new rows, a changed upload.
    Event.objects.filter(pk=event.pk).update(title_en="Edited later", capacity=99)
    Ticket.objects.filter(pk=Ticket.objects.first().pk).delete()
    EventFactory(slug="created-after-backup")
    default_storage.delete("banners/one.txt")
    default_storage.save("banners/one.txt", ContentFile(b"overwritten"))
    assert _state() != before

    out = io.StringIO()
    call_command("restore", str(archive), "--force", stdout=out)

    assert "Restored" in out.getvalue()
    assert _state() == before
    assert not Event.objects.filter(slug="created-after-backup").exists()


def test_restore_refuses_a_database_with_data_without_force(keys):
    _seed()
    archive = _backup()
    Event.objects.update(title_en="Kept")

    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(archive))

    assert set(Event.objects.values_list("title_en", flat=True)) == {"Kept"}


def test_backup_refuses_to_write_a_plain_archive_without_a_key(settings, tmp_path):
    settings.BACKUP_AGE_RECIPIENT = ""
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.BACKUP_S3_BUCKET = ""

    with pytest.raises(CommandError, match="BACKUP_AGE_RECIPIENT"):
        call_command("backup", stdout=io.StringIO())
    assert not list((tmp_path / "backups").glob("*.tar*"))

    archive = _backup("--unencrypted")
    assert archive.name.endswith(".tar")
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["encrypted"] is False
    assert manifest["database"]["vendor"] == connection.vendor
    assert "events" in manifest["migrations"]
    assert manifest["row_counts"]["events_event"] == 0
    assert set(manifest["checksums"]) == {manifest["database"]["member"]}


def test_plain_archive_and_its_directory_are_the_owners_alone(settings, tmp_path):
    settings.BACKUP_AGE_RECIPIENT = settings.BACKUP_AGE_IDENTITY = ""
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.BACKUP_S3_BUCKET = ""
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)  # an existing directory others could list
    previous = os.umask(0o022)  # the usual umask: new files world-readable
    try:
        fresh = _backup("--unencrypted")
        existing = _backup("--unencrypted", "--dir", str(shared))
    finally:
        os.umask(previous)

    for archive in (fresh, existing):
        assert stat.S_IMODE(archive.stat().st_mode) == 0o600
        assert stat.S_IMODE(archive.parent.stat().st_mode) == 0o700


def test_archive_encrypted_to_another_key_is_refused(keys, settings):
    _seed()
    archive = _backup()
    settings.BACKUP_AGE_IDENTITY = str(x25519.Identity.generate())
    Event.objects.update(title_en="Untouched")

    with pytest.raises(CommandError, match="wrong key"):
        call_command("restore", str(archive), "--force")
    with pytest.raises(CommandError, match="FAILED"):
        call_command("verify_backup", str(archive), stdout=io.StringIO())

    assert set(Event.objects.values_list("title_en", flat=True)) == {"Untouched"}


def test_tampered_encrypted_archive_is_refused(keys):
    _seed()
    archive = _backup()
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0x01
    archive.write_bytes(bytes(data))
    Event.objects.update(title_en="Untouched")

    with pytest.raises(CommandError, match="altered"):
        call_command("restore", str(archive), "--force")

    assert set(Event.objects.values_list("title_en", flat=True)) == {"Untouched"}


def test_truncated_encrypted_archive_is_refused(keys):
    _seed()
    archive = _backup()
    archive.write_bytes(archive.read_bytes()[:-100])

    with pytest.raises(CommandError):
        call_command("restore", str(archive), "--force")


def _rewrite_plain(archive: Path, target: Path, change: str) -> None:
    """Copy a plain archive, altering the content of one member (manifest kept)."""
    with tarfile.open(archive) as src, tarfile.open(target, "w") as dst:
        for info in src.getmembers():
            data = src.extractfile(info).read()
            if info.name == change:
                data = data.replace(b"original banner", b"evil banner!!!!")
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))


def test_plain_archive_with_altered_member_fails_its_checksum(settings, tmp_path):
    settings.BACKUP_AGE_RECIPIENT = settings.BACKUP_AGE_IDENTITY = ""
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.BACKUP_S3_BUCKET = ""
    _seed()
    archive = _backup("--unencrypted")
    tampered = tmp_path / "tampered.tar"
    _rewrite_plain(archive, tampered, "media/banners/one.txt")

    with pytest.raises(CommandError, match="Checksum mismatch"):
        call_command("restore", str(tampered), "--force")
    assert default_storage.open("banners/one.txt").read() == b"original banner"


def test_plain_archive_is_refused_when_keys_are_configured(keys, settings):
    recipient = settings.BACKUP_AGE_RECIPIENT
    settings.BACKUP_AGE_RECIPIENT = ""
    _seed()
    archive = _backup("--unencrypted")
    settings.BACKUP_AGE_RECIPIENT = recipient

    with pytest.raises(CommandError, match="not encrypted"):
        call_command("restore", str(archive), "--force")
    call_command(
        "restore", str(archive), "--force", "--unencrypted", stdout=io.StringIO()
    )


def test_verify_backup_restores_into_scratch_and_reports_duration(keys):
    _seed()
    archive = _backup()
    Event.objects.update(title_en="Live data stays")
    out = io.StringIO()

    call_command("verify_backup", str(archive), "--json", stdout=out)

    text = out.getvalue()
    report = json.loads(text[: text.rindex("}") + 1])
    assert report["ok"] is True
    assert report["integrity"] == "ok"
    assert report["row_counts"] == "ok"
    assert report["migrate_check"] == "ok"
    assert report["rows"] > 0
    assert report["restore_seconds"] >= 0
    assert set(Event.objects.values_list("title_en", flat=True)) == {"Live data stays"}


def test_successful_backup_is_recorded_for_readyz(keys, client):
    archive = _backup()

    beat = Heartbeat.objects.get(name=Heartbeat.BACKUP)
    assert beat.details["file"] == archive.name
    body = client.get("/readyz").json()
    assert body["checks"]["backup"].startswith("ok")


def test_retention_keeps_newest_daily_and_weekly_archives():
    names = [
        f"spanglish-202611{day:02d}T0300{n}0Z.tar.age"
        for day in range(1, 29)
        for n in (0, 1)
    ]

    doomed = to_delete(names + ["unrelated.txt"], keep_daily=3, keep_weekly=2)

    kept = sorted(set(names) - set(doomed))
    # Last three days (their newest), plus the newest of the two latest ISO weeks
    # (the 28th is in the same week as the daily ones; week 47 ends on the 22nd).
    assert kept == [
        "spanglish-20261122T030010Z.tar.age",
        "spanglish-20261126T030010Z.tar.age",
        "spanglish-20261127T030010Z.tar.age",
        "spanglish-20261128T030010Z.tar.age",
    ]
    assert "unrelated.txt" not in doomed


@pytest.mark.postgres
def test_backup_fails_loudly_when_pg_dump_is_older_than_the_server(
    keys, settings, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    fake = tmp_path / "pg_dump"
    fake.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    fake.chmod(0o755)
    settings.BACKUP_PG_DUMP = str(fake)

    with pytest.raises(CommandError, match="older than the PostgreSQL"):
        call_command("backup", stdout=io.StringIO())
    assert not list(Path(settings.BACKUP_DIR).glob("*.tar*"))
