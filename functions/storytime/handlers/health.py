from storytime.handlers._http import api_handler
from storytime.service.health import health


@api_handler
def handler(event, deps):
    return health(deps)
