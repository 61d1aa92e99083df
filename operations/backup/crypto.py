"""Streaming age encryption for backup archives (pyrage, the Rust age library).

pyrage's ``encrypt_io``/``decrypt_io`` copy from a reader to a writer chunk by chunk
(age's STREAM construction: 64 KiB chunks, each authenticated). A pipe and a thread
connect them to ``tarfile``'s stream mode, so no archive is ever held in memory and
no plaintext archive is written to disk.
"""

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

import pyrage
from django.conf import settings

AGE_MAGIC = b"age-encryption.org/v1"


class BackupError(Exception):
    """A backup, restore or verification cannot go on; the message says why."""


def recipients_from_settings() -> list:
    """Public keys (age1…) that backups are encrypted to."""
    text = settings.BACKUP_AGE_RECIPIENT or ""
    try:
        return [
            pyrage.x25519.Recipient.from_str(item)
            for item in text.replace(",", " ").split()
        ]
    except pyrage.RecipientError as exc:
        raise BackupError(
            f"BACKUP_AGE_RECIPIENT is not a valid age key: {exc}"
        ) from exc


def identities_from_settings() -> list:
    """Secret keys (AGE-SECRET-KEY-1…) that can decrypt, from the variable or a file."""
    text = settings.BACKUP_AGE_IDENTITY or ""
    if settings.BACKUP_AGE_IDENTITY_FILE:
        text += "\n" + Path(settings.BACKUP_AGE_IDENTITY_FILE).read_text()
    keys = [
        line.strip()
        for line in text.replace(",", "\n").splitlines()
        if line.strip().startswith("AGE-SECRET-KEY-")
    ]
    try:
        return [pyrage.x25519.Identity.from_str(key) for key in keys]
    except pyrage.IdentityError as exc:
        raise BackupError(f"BACKUP_AGE_IDENTITY is not a valid age key: {exc}") from exc


def is_encrypted(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(len(AGE_MAGIC)) == AGE_MAGIC


@contextmanager
def encrypting(out: BinaryIO, recipients: list) -> Iterator[BinaryIO]:
    """Yield a writable stream whose bytes reach `out` encrypted to `recipients`."""
    if not recipients:
        yield out
        return
    read_fd, write_fd = os.pipe()
    reader, writer = os.fdopen(read_fd, "rb"), os.fdopen(write_fd, "wb")
    errors: list[BaseException] = []

    def pump() -> None:
        try:
            pyrage.encrypt_io(reader, out, recipients)
        except BaseException as exc:
            errors.append(exc)
        finally:
            reader.close()

    thread = threading.Thread(target=pump, name="backup-encrypt", daemon=True)
    thread.start()
    failed: BaseException | None = None
    try:
        yield writer
    except BaseException as exc:
        failed = exc
    finally:
        with suppress(BrokenPipeError):
            writer.close()
        thread.join()
    if errors:
        raise BackupError(f"Encryption failed: {errors[0]}") from errors[0]
    if failed is not None:
        raise failed


def _is_decrypt_failure(exc: BaseException) -> bool:
    # A bad header or key raises DecryptError; a bad payload chunk surfaces from
    # the stream copy as OSError("decryption error").
    return isinstance(exc, pyrage.DecryptError) or (
        isinstance(exc, OSError)
        and not isinstance(exc, BrokenPipeError)
        and "decrypt" in str(exc).lower()
    )


@contextmanager
def decrypting(
    path: Path, identities: list, *, allow_unencrypted: bool
) -> Iterator[BinaryIO]:
    """Yield a readable stream of the archive's plaintext.

    Refuses a plain archive when keys are configured (anyone could have forged it)
    unless `allow_unencrypted`. A wrong key, a truncated or an altered file raise
    BackupError: age authenticates every chunk before releasing it.
    """
    src = open(path, "rb")  # noqa: SIM115 - closed below, also on error
    try:
        if not is_encrypted(path):
            if identities and not allow_unencrypted:
                raise BackupError(
                    "This archive is not encrypted although backup keys are "
                    "configured; pass --unencrypted if you trust it."
                )
            yield src
            return
        if not identities:
            raise BackupError(
                "This archive is encrypted: set BACKUP_AGE_IDENTITY (or "
                "BACKUP_AGE_IDENTITY_FILE) to the age secret key."
            )
        read_fd, write_fd = os.pipe()
        reader, writer = os.fdopen(read_fd, "rb"), os.fdopen(write_fd, "wb")
        errors: list[BaseException] = []

        def pump() -> None:
            try:
                pyrage.decrypt_io(src, writer, identities)
            except BaseException as exc:
                errors.append(exc)
            finally:
                with suppress(BrokenPipeError):
                    writer.close()

        thread = threading.Thread(target=pump, name="backup-decrypt", daemon=True)
        thread.start()
        failed: BaseException | None = None
        try:
            yield reader
            # Drain so that age checks the final chunk (truncation is detected there).
            while reader.read(1 << 16):
                pass
        except BaseException as exc:
            failed = exc
        finally:
            reader.close()
            thread.join()
        if errors and (failed is None or _is_decrypt_failure(errors[0])):
            raise BackupError(
                f"Cannot decrypt the archive: wrong key, or the file was altered "
                f"or truncated ({errors[0]})."
            ) from errors[0]
        if failed is not None:
            raise failed
    finally:
        src.close()
