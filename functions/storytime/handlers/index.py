from storytime.handlers._http import response


def handler(event, context, deps=None):
    """What a person who opens the service's address finds: how to use it."""
    return response(200, {
        "service": "storytime",
        "about": "Send a photo of a book page; get its text in reading order and an MP3 that reads it aloud.",
        "endpoints": {
            "POST /upload": "the photo as the body (JPEG, PNG, WebP, HEIC) or as one multipart file; "
                            "optional form field 'email' to be told when it is ready",
            "GET /result/{id}": "200 with text and audioUrl when ready; 503 with Retry-After while reading",
            "GET /executions/{id}/history": "the workflow's events for the page",
            "GET /health": "liveness",
        },
        "example": "curl -F file=@page.jpg -F email=you@example.com <this address>/upload",
    })
