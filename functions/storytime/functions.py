"""The workflow's Lambda functions: one table for CDK and for the local runtime.

Each key is the logical name; the ASL refers to ``${<Name>FunctionArn}``.
"""

FUNCTIONS = {
    "LoadProgress": "storytime.handlers.load_progress.handler",
    "ReadPage": "storytime.handlers.read_page.handler",
    "ExtractText": "storytime.handlers.extract_text.handler",
    "PlanSpeech": "storytime.handlers.plan_speech.handler",
    "ReadSpeechPart": "storytime.handlers.read_speech_part.handler",
    "JoinAudio": "storytime.handlers.join_audio.handler",
    "RecordOutcome": "storytime.handlers.record_outcome.handler",
    "JoinBooks": "storytime.handlers.join_books.handler",
}

# Functions that run an OCR or speech engine: their concurrency is the
# machine's engine slots on one machine (reserved concurrency on AWS).
ENGINE_FUNCTIONS = frozenset({"ReadPage"})

# API routes: (method, API Gateway resource path, handler). The local server
# matches the same paths and builds the same proxy events.
ROUTES = [
    ("POST", "/upload", "storytime.handlers.upload.handler"),
    ("POST", "/uploads", "storytime.handlers.upload_url.handler"),
    ("POST", "/uploads/{key}/complete", "storytime.handlers.upload_complete.handler"),
    ("GET", "/result/{id}", "storytime.handlers.result.handler"),
    ("GET", "/executions/{id}/history", "storytime.handlers.history.handler"),
    ("GET", "/health", "storytime.handlers.health.handler"),
    ("GET", "/", "storytime.handlers.index.handler"),
    ("GET", "/openapi.json", "storytime.handlers.openapi.handler"),
    ("POST", "/books", "storytime.handlers.create_book.handler"),
    ("GET", "/books/{id}", "storytime.handlers.book.handler"),
    ("POST", "/books/{id}/pages", "storytime.handlers.add_book_page.handler"),
    ("PUT", "/books/{id}/pages", "storytime.handlers.reorder_book.handler"),
]
# The routes anyone may call when the API has a key (API Gateway's api_key_required=False; the
# local server's STORYTIME_API_KEY): a health check cannot be asked to know the key.
OPEN_ROUTES = {("GET", "/health")}


# On AWS each function's handler is its Powertools-observed twin in this module.
AWS_ENTRY_MODULE = "storytime.aws_entry"

# What Powertools reads on AWS (the stack sets it beside Settings.environment()).
POWERTOOLS_ENVIRONMENT = {
    "POWERTOOLS_SERVICE_NAME": "storytime",
    "POWERTOOLS_METRICS_NAMESPACE": "storytime",
    "POWERTOOLS_LOG_LEVEL": "INFO",
}


def entry_name(dotted: str) -> str:
    """``storytime.handlers.load_progress.handler`` -> ``load_progress``."""
    return dotted.rsplit(".", 2)[-2]


def aws_handler(dotted: str) -> str:
    """The handler AWS runs for the handler ``dotted``: ``storytime.aws_entry.load_progress``."""
    return f"{AWS_ENTRY_MODULE}.{entry_name(dotted)}"


def load_handler(dotted: str):
    from importlib import import_module

    module, _, name = dotted.rpartition(".")
    return getattr(import_module(module), name)
