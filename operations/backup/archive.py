"""Backup archives: one tar stream (database snapshot, uploaded media, manifest).

Layout: ``database/db.pgdump`` or ``database/db.sqlite3``, ``media/<storage name>``
for every file in the default storage, and ``manifest.json`` last (it holds the
sha256 of every other member, computed while streaming). The tar stream goes
through age encryption unless the operator explicitly asks for a plain archive.
"""

import hashlib
import io
import json
import os
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage

from operations.backup import database
from operations.backup.crypto import BackupError, decrypting, encrypting

MANIFEST = "manifest.json"
FORMAT = 1
PREFIX = "spanglish-"


class _Hashing:
    """File wrapper that hashes what tarfile reads through it."""

    def __init__(self, fh: BinaryIO):
        self.fh = fh
        self.sha = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(size)
        self.sha.update(data)
        return data


def app_version() -> str:
    """The release that wrote the archive: the one version every part reports."""
    return settings.APP_VERSION


def media_files(storage=default_storage, path: str = "") -> Iterator[str]:
    """Every file name in the storage, through its own listing (works for S3 too)."""
    try:
        dirs, files = storage.listdir(path)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in sorted(files):
        yield f"{path}/{name}" if path else name
    for sub in sorted(dirs):
        yield from media_files(storage, f"{path}/{sub}" if path else sub)


def _add(tar: tarfile.TarFile, member: str, fh: BinaryIO, size: int) -> str:
    info = tarfile.TarInfo(member)
    info.size = size
    info.mtime = int(time.time())
    info.mode = 0o600
    hashing = _Hashing(fh)
    tar.addfile(info, hashing)
    return hashing.sha.hexdigest()


@dataclass
class BackupResult:
    path: Path
    size: int
    seconds: float
    manifest: dict


def archive_name(now: datetime, *, encrypted: bool) -> str:
    return f"{PREFIX}{now:%Y%m%dT%H%M%SZ}.tar" + (".age" if encrypted else "")


def _private_directory(directory: Path) -> None:
    """The backup directory is the owner's alone (0700), whatever the umask: a
    plain archive holds every password hash and personal detail."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    directory.chmod(0o700)


def _private_file(path: Path) -> BinaryIO:
    """A new file only its owner can read or write (0600), created that way rather
    than narrowed afterwards, so it is never readable by others for a moment."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # O_CREAT's mode is reduced by the umask, never widened
    return os.fdopen(fd, "wb")


def create(directory: Path, *, recipients: list) -> BackupResult:
    """Write a new archive into `directory`; the file appears only when complete."""
    started = time.perf_counter()
    now = datetime.now(UTC)
    _private_directory(directory)
    final = directory / archive_name(now, encrypted=bool(recipients))
    partial = final.with_name(final.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="spanglish-backup-") as tmp:
        snapshot = database.dump(Path(tmp))
        checksums: dict[str, str] = {}
        media_count = media_bytes = 0
        # A pg custom dump is compressed already; a SQLite file compresses well.
        mode = "w|gz" if snapshot.member.endswith(".sqlite3") else "w|"
        try:
            with (
                _private_file(partial) as out,
                encrypting(out, recipients) as stream,
                tarfile.open(fileobj=stream, mode=mode) as tar,
            ):
                with open(snapshot.path, "rb") as fh:
                    checksums[snapshot.member] = _add(
                        tar, snapshot.member, fh, snapshot.path.stat().st_size
                    )
                for name in media_files():
                    size = default_storage.size(name)
                    with default_storage.open(name, "rb") as fh:
                        checksums[f"media/{name}"] = _add(
                            tar, f"media/{name}", fh, size
                        )
                    media_count += 1
                    media_bytes += size
                manifest = {
                    "format": FORMAT,
                    "created_at": now.isoformat(),
                    "app_version": app_version(),
                    "database": {
                        "vendor": database.vendor(),
                        "member": snapshot.member,
                    },
                    "migrations": snapshot.migrations,
                    "row_counts": snapshot.row_counts,
                    "media": {"files": media_count, "bytes": media_bytes},
                    "encrypted": bool(recipients),
                    "checksums": checksums,
                }
                body = json.dumps(manifest, indent=2, sort_keys=True).encode()
                _add(tar, MANIFEST, io.BytesIO(body), len(body))
            os.replace(partial, final)
        finally:
            partial.unlink(missing_ok=True)
    return BackupResult(
        final, final.stat().st_size, time.perf_counter() - started, manifest
    )


@dataclass
class Extracted:
    directory: Path
    manifest: dict
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def database_file(self) -> Path:
        return self.files[self.manifest["database"]["member"]]

    @property
    def media(self) -> dict[str, Path]:
        return {
            name.removeprefix("media/"): path
            for name, path in self.files.items()
            if name.startswith("media/")
        }


def extract(
    archive: Path, directory: Path, *, identities: list, allow_unencrypted: bool
) -> Extracted:
    """Decrypt and unpack into `directory`, then check every member's sha256.

    Members are written under numbered names, never under their archive paths, so a
    crafted archive cannot write outside `directory`.
    """
    files: dict[str, Path] = {}
    digests: dict[str, str] = {}
    manifest_bytes = b""
    try:
        with (
            decrypting(
                archive, identities, allow_unencrypted=allow_unencrypted
            ) as stream,
            tarfile.open(fileobj=stream, mode="r|*") as tar,
        ):
            for index, info in enumerate(tar):
                if not info.isfile():
                    raise BackupError(f"Unexpected archive member {info.name!r}.")
                source = tar.extractfile(info)
                if info.name == MANIFEST:
                    manifest_bytes = source.read(1 << 24)
                    continue
                if info.name in files:
                    raise BackupError(f"Duplicate archive member {info.name!r}.")
                target = directory / f"member-{index:06d}"
                sha = hashlib.sha256()
                with open(target, "wb") as out:
                    while chunk := source.read(1 << 20):
                        sha.update(chunk)
                        out.write(chunk)
                files[info.name] = target
                digests[info.name] = sha.hexdigest()
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(f"The archive is damaged: {exc}") from exc
    if not manifest_bytes:
        raise BackupError("The archive has no manifest.")
    try:
        manifest = json.loads(manifest_bytes)
        expected = manifest["checksums"]
    except (ValueError, KeyError) as exc:
        raise BackupError("The archive's manifest is unreadable.") from exc
    if set(expected) != set(digests):
        raise BackupError(
            "The archive's members do not match its manifest "
            f"(missing: {sorted(set(expected) - set(digests))}, "
            f"extra: {sorted(set(digests) - set(expected))})."
        )
    bad = sorted(name for name, sha in digests.items() if expected[name] != sha)
    if bad:
        raise BackupError(f"Checksum mismatch, the archive was altered: {bad}.")
    if manifest["database"]["member"] not in files:
        raise BackupError("The archive holds no database snapshot.")
    return Extracted(directory, manifest, files)


def restore_media(media: dict[str, Path], storage=default_storage) -> int:
    """Put every archived file back under its own name (replacing what is there)."""
    for name, path in media.items():
        if storage.exists(name):
            storage.delete(name)
        with open(path, "rb") as fh:
            saved = storage.save(name, File(fh, name=name))
        if saved != name:
            raise BackupError(f"Storage saved {name!r} as {saved!r}.")
    return len(media)
