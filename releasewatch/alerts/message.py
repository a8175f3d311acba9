"""An alert email as sent: the rendered parts in a multipart/alternative message with good headers.

The Message-ID holds the delivery id, so a message sent again after a crash (the server accepted
it, the sender died before recording that) carries the same id and mail systems and readers can
tell it is the same message.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from pipeline.alerts.email import RenderedEmail


def sender_domain(sender: str) -> str:
    return parseaddr(sender)[1].rpartition("@")[2] or "releasewatch.invalid"


def delivery_message_id(delivery_id: int, sender: str) -> str:
    return f"<releasewatch.delivery.{delivery_id}@{sender_domain(sender)}>"


def digest_message_id(delivery_ids: Sequence[int], sender: str) -> str:
    return f"<releasewatch.digest.{min(delivery_ids)}.{len(delivery_ids)}@{sender_domain(sender)}>"


def build_message(rendered: RenderedEmail, *, sender: str, recipient: str, message_id: str, dated: datetime,
                  delivery_ids: Sequence[int], subscription_key: str) -> EmailMessage:
    """The message for one recipient."""
    domain = sender_domain(sender)
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = recipient
    msg["Subject"] = rendered.subject
    msg["Date"] = format_datetime(dated)
    msg["Message-ID"] = message_id
    # A list identity per subscription lets mail clients filter and offer "unsubscribe".
    msg["List-Id"] = f"releasewatch alerts <{subscription_key}.alerts.{domain}>"
    msg["List-Unsubscribe"] = f"<mailto:{parseaddr(sender)[1]}?subject=unsubscribe%20{subscription_key}>"
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a robot
    msg["X-Auto-Response-Suppress"] = "All"
    msg["X-Releasewatch-Delivery"] = ", ".join(str(i) for i in delivery_ids)
    msg.set_content(rendered.text)
    msg.add_alternative(rendered.html, subtype="html")
    return msg


def display_address(address: str) -> str:
    """The address part only, for one-line output."""
    return parseaddr(address)[1] or address

