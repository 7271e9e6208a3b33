"""Lambda entry points on AWS: each handler of storytime.functions, observed with Powertools.

The stack points every function here (``storytime.functions.aws_handler``);
the handlers themselves stay as they are, and the local runtime calls them
directly.
"""

from __future__ import annotations

from storytime.functions import FUNCTIONS, ROUTES, entry_name, load_handler
from storytime.metrics.powertools import observed


def _lazy(dotted: str):
    # Imported on first call: a function loads its own handler's modules, not every handler's.
    def call(event, context):
        return load_handler(dotted)(event, context)

    call.__name__ = call.__qualname__ = entry_name(dotted)
    return call


ENTRIES = {entry_name(dotted): dotted for dotted in [*FUNCTIONS.values(), *(h for _m, _p, h in ROUTES)]}
globals().update({name: observed(_lazy(dotted)) for name, dotted in ENTRIES.items()})
