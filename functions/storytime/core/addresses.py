"""An e-mail address a person gives us: one plain address or a clear 400."""

from __future__ import annotations

import email.errors
from email.headerregistry import Address

from storytime.errors import MalformedRequest

MAX_ADDRESS_CHARS = 254  # RFC 5321: a path is at most 256 octets with its angle brackets


def plain_address(value: str, what: str = "recipient") -> str:
    """``value`` if it is exactly one plain addr-spec, else MalformedRequest."""
    if not isinstance(value, str) or any(c in value for c in "\r\n\0"):
        raise MalformedRequest(f"The {what} email address is not valid.")
    text = value.strip()
    if len(text) > MAX_ADDRESS_CHARS:
        raise MalformedRequest(f"The {what} email address is longer than {MAX_ADDRESS_CHARS} characters.")
    try:
        address = Address(addr_spec=text)
    except (ValueError, IndexError, TypeError, email.errors.HeaderParseError) as exc:
        raise MalformedRequest(f"The {what} email address {text!r} is not valid.") from exc
    if not address.username or not address.domain or address.addr_spec != text:
        raise MalformedRequest(f"The {what} email address {text!r} is not valid.")
    return address.addr_spec
