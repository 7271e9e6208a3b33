"""Settings for the whole suite."""

import gc


def pytest_unconfigure(config):
    """Freeze what the suite leaves behind, so the interpreter's last collection skips it.

    A full run leaves gigabytes of objects (moto's backends, botocore's models, every runtime's
    workflow): the final collection at exit walked them for 50-80 s after the summary was printed,
    measured on tests/api + tests/workflow (329.8 s in all for 251 s of tests; frozen, 5 s).
    Every fixture and temporary folder is cleaned up before this hook runs.
    """
    gc.freeze()
