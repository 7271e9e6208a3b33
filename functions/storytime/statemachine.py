"""The ASL file and its ${Placeholder} substitution (same pattern as CDK's definition_substitutions)."""

from __future__ import annotations

import re
from pathlib import Path

_PLACEHOLDER = re.compile(r"\$\{(\w+)\}")


def definition_path() -> Path:
    here = Path(__file__).resolve()
    for folder in [here.parent, *here.parents]:
        candidate = folder / "statemachine" / "storytime.asl.json"
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("statemachine/storytime.asl.json not found next to the package")


def placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def substitute(text: str, values: dict[str, str]) -> str:
    missing = placeholders(text) - set(values)
    if missing:
        raise KeyError(f"no value for placeholders: {sorted(missing)}")
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)
