"""Objects in S3 (served to people through CloudFront)."""

from __future__ import annotations

import time

import boto3

from storytime.errors import StoredDataMissing


class S3ObjectStore:
    def __init__(self, bucket: str, client=None):
        self.bucket = bucket
        self._s3 = client or boto3.client("s3")

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self._s3.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)

    def get(self, key: str) -> bytes:
        try:
            return self._s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except self._s3.exceptions.NoSuchKey:
            raise StoredDataMissing(f"No stored object {key!r}.") from None

    def exists(self, key: str) -> bool:
        try:
            self._s3.head_object(Bucket=self.bucket, Key=key)
            return True
        except self._s3.exceptions.ClientError as error:
            if error.response["Error"]["Code"] in ("404", "NoSuchKey", "NotFound"):
                return False
            raise

    def persist(self, keys: list[str]) -> None:
        """Every S3 write is durable already: nothing to do, and no call (JoinAudio may not read text/)."""

    def delete(self, key: str) -> None:
        self._s3.delete_object(Bucket=self.bucket, Key=key)

    def upload_url(self, key: str, expires_at: int, size: int | None = None) -> str:
        params = {"Bucket": self.bucket, "Key": key}
        if size is not None:  # signed: S3 refuses a body of any other length
            params["ContentLength"] = size
        return self._s3.generate_presigned_url("put_object", Params=params,
                                               ExpiresIn=max(1, int(expires_at - time.time())))
