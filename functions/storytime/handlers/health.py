from storytime.handlers._http import response


def handler(event, context, deps=None):
    return response(200, {"status": "ok"})
