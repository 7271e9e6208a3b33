from storytime.handlers._http import api_handler
from storytime.service.answers import Answer


@api_handler
def handler(event, deps):
    """What a person who opens the service's address finds: how to use it."""
    base = deps.settings.public_url.rstrip("/")
    return Answer(200, {
        "service": "storytime",
        "about": "Send a photo of a book page; get its text in reading order and an MP3 that reads it aloud.",
        "endpoints": {
            "POST /upload": "the photo as the body (JPEG, PNG, WebP, HEIC) or as one multipart file; "
                            "optional form field 'email' to be told when it is ready",
            "POST /uploads": "photos over the direct limit (10 MB here, ~4.4 MB on AWS): a signed URL to PUT the "
                             "photo to, then POST its completeUrl",
            "GET /result/{id}": "200 with text and audioUrl when ready; 503 with Retry-After while reading",
            "GET /executions/{id}/history": "the workflow's states for the page: names, times, error codes",
            "GET /health": "liveness",
            "GET /openapi.json": "this API's contract (OpenAPI 3.1)",
        },
        "example": f"curl -F file=@page.jpg -F email=you@example.com {base or '<this address>'}/upload",
    })
