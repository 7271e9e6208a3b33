"""What each function may touch: exact actions on exact prefixes, read off the service code.

Object prefixes are those of ``storytime.core.records`` (images/, ocr/, text/,
speech/, audio/). A reader of objects that may be missing also gets
``s3:ListBucket`` on its prefixes: without it S3 answers a missing key with 403
instead of 404 and the adapter could not tell "not there" from "not allowed".
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Access:
    reads: tuple[str, ...] = ()  # object prefixes read
    writes: tuple[str, ...] = ()  # object prefixes written
    deletes: tuple[str, ...] = ()  # object prefixes deleted
    records: tuple[str, ...] = ()  # DynamoDB actions on the table
    workflow: tuple[str, ...] = ()  # Step Functions actions on the state machine
    executions: tuple[str, ...] = ()  # Step Functions actions on its executions


_GET, _PUT, _UPDATE = "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"

# Keyed by the logical names of storytime.functions (FUNCTIONS keys, and the
# handler module name for ROUTES).
ACCESS: dict[str, Access] = {
    # API
    "upload": Access(writes=("images/",), records=(_GET, _PUT, _UPDATE), workflow=("states:StartExecution",),
                     executions=("states:DescribeExecution",)),
    # Presigning a PUT needs the PutObject the URL's user will exercise (S3 checks the signer's rights).
    "upload_url": Access(writes=("uploads/",)),
    "upload_complete": Access(reads=("uploads/",), writes=("images/",), deletes=("uploads/",),
                              records=(_GET, _PUT, _UPDATE), workflow=("states:StartExecution",),
                              executions=("states:DescribeExecution",)),
    "result": Access(reads=("text/",), records=(_GET, _UPDATE), workflow=("states:StartExecution",),
                     executions=("states:DescribeExecution",)),
    "history": Access(records=(_GET,), executions=("states:GetExecutionHistory",)),
    "health": Access(),
    "index": Access(),
    "openapi": Access(),
    # Books live in the records table; a book's view joins its narration when every page is read.
    "create_book": Access(records=(_PUT,)),
    "book": Access(reads=("audio/", "timings/", "books/"), writes=("books/",), records=(_GET,)),
    "add_book_page": Access(reads=("text/", "audio/", "timings/", "books/"), writes=("images/", "books/"),
                            records=(_GET, _PUT, _UPDATE), workflow=("states:StartExecution",),
                            executions=("states:DescribeExecution",)),
    "reorder_book": Access(reads=("audio/", "timings/", "books/"), writes=("books/",), records=(_GET, _UPDATE)),
    # Workflow steps
    "LoadProgress": Access(records=(_GET,)),
    # GetItem: the page's language, when its uploader named one.
    "ReadPage": Access(reads=("images/",), writes=("ocr/",), records=(_GET, _UPDATE)),
    "ExtractText": Access(reads=("ocr/",), writes=("ocr/", "text/"), records=(_UPDATE,)),
    "PlanSpeech": Access(reads=("text/",), records=(_UPDATE,)),
    "ReadSpeechPart": Access(reads=("text/",)),
    "JoinAudio": Access(reads=("speech/",), writes=("audio/", "timings/"), deletes=("speech/",), records=(_UPDATE,)),
    # Conditional status writes (UpdateItem), the failure count (GetItem), the notice ledger (PutItem).
    "JoinBooks": Access(reads=("audio/", "timings/", "books/"), writes=("books/",), records=(_GET,)),
    "RecordOutcome": Access(records=(_GET, _PUT, _UPDATE)),
}
