"""An alert email as sent: the rendered parts in a multipart/alternative message with good headers.

The Message-ID holds the delivery id, so a message sent again after a crash (the server accepted
it, the sender died before recording that) carries the same id and mail systems and readers can
tell it is the same message.

Built with email.mime and the compat32 policy: the modern EmailMessage parses every header it is
given into objects, which cost more than the whole SMTP exchange of a message.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from email.charset import BASE64, QP, Charset
from functools import lru_cache
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.utils import format_datetime, parseaddr

from pipeline.alerts.email import RenderedEmail

# Either encoding is safe for lines of any length. Quoted-printable keeps the text part readable
# in raw form; the HTML part, longer and read only by mail clients, uses base64, which Python
# encodes in C (quoted-printable in Python cost more than the SMTP exchange).
_UTF8_QP = Charset("utf-8")
_UTF8_QP.body_encoding = QP
_UTF8_BASE64 = Charset("utf-8")
_UTF8_BASE64.body_encoding = BASE64


@lru_cache(maxsize=16)
def sender_domain(sender: str) -> str:
    return parseaddr(sender)[1].rpartition("@")[2] or "releasewatch.invalid"


def delivery_message_id(delivery_id: int, sender: str) -> str:
    return f"<releasewatch.delivery.{delivery_id}@{sender_domain(sender)}>"


def digest_message_id(delivery_ids: Sequence[int], sender: str) -> str:
    return f"<releasewatch.digest.{min(delivery_ids)}.{len(delivery_ids)}@{sender_domain(sender)}>"


@lru_cache(maxsize=16)
def _parsed(sender: str) -> tuple[str, str]:
    return parseaddr(sender)


def _header(value: str) -> str | Header:
    """ASCII as it is; anything else RFC 2047-encoded (a film title with accents, an arrow)."""
    return value if value.isascii() else Header(value, "utf-8")


def _part(text: str, subtype: str) -> MIMENonMultipart:
    part = MIMENonMultipart("text", subtype)
    part.set_payload(text, _UTF8_QP if subtype == "plain" else _UTF8_BASE64)  # sets charset and encoding
    return part


def build_message(rendered: RenderedEmail, *, sender: str, recipient: str, message_id: str, dated: datetime,
                  delivery_ids: Sequence[int], subscription_key: str) -> MIMEMultipart:
    """The message for one recipient."""
    domain = sender_domain(sender)
    name, address = _parsed(sender)
    msg = MIMEMultipart("alternative")
    msg["From"] = f"{Header(name, 'utf-8').encode() if name and not name.isascii() else name} <{address}>" if name else address
    msg["To"] = recipient
    msg["Subject"] = _header(rendered.subject)
    msg["Date"] = format_datetime(dated)
    msg["Message-ID"] = message_id
    # A list identity per subscription lets mail clients filter and offer "unsubscribe".
    msg["List-Id"] = f"releasewatch alerts <{subscription_key}.alerts.{domain}>"
    msg["List-Unsubscribe"] = f"<mailto:{address}?subject=unsubscribe%20{subscription_key}>"
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a robot
    msg["X-Auto-Response-Suppress"] = "All"
    msg["X-Releasewatch-Delivery"] = ", ".join(str(i) for i in delivery_ids)
    msg.attach(_part(rendered.text, "plain"))
    msg.attach(_part(rendered.html, "html"))
    return msg
