"""Optional offsite copy to S3-compatible storage (boto3, from django-storages[s3])."""

from pathlib import Path

from django.conf import settings


def upload(path: Path) -> str:
    """Upload the archive; return its s3:// address. Old copies: a bucket lifecycle rule."""
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=settings.BACKUP_S3_ENDPOINT_URL or None,
        region_name=settings.BACKUP_S3_REGION_NAME or None,
    )
    key = f"{settings.BACKUP_S3_PREFIX.strip('/')}/{path.name}".lstrip("/")
    client.upload_file(str(path), settings.BACKUP_S3_BUCKET, key)
    return f"s3://{settings.BACKUP_S3_BUCKET}/{key}"
