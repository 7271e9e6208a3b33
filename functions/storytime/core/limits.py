"""What an upload may be: API Gateway's 10 MB body cap, and a pixel cap against decompression bombs.

Settings take their defaults from here and the image checks use them, so the
limit is written once.
"""

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UPLOAD_PIXELS = 40_000_000
