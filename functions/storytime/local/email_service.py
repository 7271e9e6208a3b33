"""SES v2 SendEmail, answered on one machine: the message goes to the outbox (and SMTP if configured).

On AWS the workflow e-mails the person who asked with
``aws-sdk:sesv2:sendEmail`` from a verified sender; here the same Task lands
in the outbox, so the one ASL file runs unchanged in both places.
"""

from __future__ import annotations

import logging
import uuid

from storytime.errors import EngineError
from storytime.local.aws_bridge import ServiceError

log = logging.getLogger("storytime.local")


def sesv2_operations(outbox, sender: str) -> dict:
    def send_email(params):
        if params.get("FromEmailAddress") != sender:
            # What SES answers for a sender it has not verified.
            raise ServiceError("MessageRejected", "Email address is not verified.")
        to = (params.get("Destination") or {}).get("ToAddresses") or []
        if not to:
            raise ServiceError("BadRequestException", "Missing final destination.")
        simple = (params.get("Content") or {}).get("Simple") or {}
        subject = (simple.get("Subject") or {}).get("Data", "")
        body = ((simple.get("Body") or {}).get("Text") or {}).get("Data", "")
        for address in to:
            try:
                outbox.send(address, subject, body)
            except OSError as error:  # the outbox folder is full: nothing was written
                raise ServiceError("LimitExceededException", f"The outbox could not store the message: {error}") \
                    from None
            except EngineError as error:
                # The .eml is in the outbox; only the SMTP copy failed. Sending
                # again would write the message twice, so report and carry on.
                log.warning("e-mail kept in the outbox only: %s", error)
        return {"MessageId": str(uuid.uuid4())}

    return {"sesv2.SendEmail": send_email}
