"""What an upload may be: API Gateway's 10 MB body cap, and a pixel cap against decompression bombs.

Settings take their defaults from here and the image checks use them, so the
limit is written once.
"""

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# The two-step upload (POST /uploads, PUT the bytes to the signed URL, POST .../complete) skips the
# gateway's body cap, so it takes bigger photos; on AWS a direct body is capped lower still (~4.4 MB:
# a 6 MB synchronous Lambda payload, base64-encoded).
MAX_STAGED_UPLOAD_BYTES = 25 * 1024 * 1024
AWS_DIRECT_UPLOAD_BYTES = 4_400_000
MAX_UPLOAD_PIXELS = 40_000_000


def direct_limit_message(limit: int) -> str:
    """The 413 for a direct POST /upload: each platform's limit, and the way round it."""
    return (f"The upload is larger than {limit / (1024 * 1024):.1f}".rstrip("0").rstrip(".")
            + f" MB, the most a direct POST /upload takes (10 MB locally, ~{AWS_DIRECT_UPLOAD_BYTES / 1e6:.1f} MB "
            "on AWS). Send bigger photos in two steps: POST /uploads, PUT the photo to its uploadUrl, then POST its "
            f"completeUrl (up to {MAX_STAGED_UPLOAD_BYTES // (1024 * 1024)} MB).")
