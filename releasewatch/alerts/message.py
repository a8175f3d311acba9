"""An alert email as sent: the rendered parts in a multipart/alternative message with good headers.

The Message-ID holds the delivery id, so a message sent again after a crash (the server accepted
it, the sender died before recording that) carries the same id, and the same bytes: the MIME
boundary is derived from the Message-ID and the Date is when the alert arose, so mail systems and
readers can tell it is the same message.

The message is written out directly (RFC 5322 headers, RFC 2045 encodings from binascii): the
email package parses and folds every header through Python objects, which cost more per message
than the whole SMTP exchange of it.
"""
from __future__ import annotations

import binascii
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.utils import format_datetime, parseaddr
from functools import lru_cache

from pipeline.alerts.email import RenderedEmail

CRLF = "\r\n"


@dataclass(frozen=True, slots=True)
class Mail:
    """A message ready for DATA: its bytes (CRLF line ends) and the headers tests and output read."""

    data: bytes
    message_id: str
    subject: str


@lru_cache(maxsize=16)
def sender_parts(sender: str) -> tuple[str, str, str]:
    """(display name, address, domain) of the configured sender."""
    name, address = parseaddr(sender)
    return name, address, address.rpartition("@")[2] or "releasewatch.invalid"


def sender_domain(sender: str) -> str:
    return sender_parts(sender)[2]


def delivery_message_id(delivery_id: int, sender: str) -> str:
    return f"<releasewatch.delivery.{delivery_id}@{sender_domain(sender)}>"


def digest_message_id(delivery_ids: Sequence[int], sender: str) -> str:
    return f"<releasewatch.digest.{min(delivery_ids)}.{len(delivery_ids)}@{sender_domain(sender)}>"


def _clean(value: str) -> str:
    return " ".join(value.split())  # no CR/LF can reach a header line


def _encoded(value: str) -> str:
    """ASCII as it is; anything else as RFC 2047 encoded words (a title with accents, an arrow)."""
    value = _clean(value)
    return value if value.isascii() else Header(value, "utf-8").encode(linesep=CRLF)


def _header(name: str, value: str) -> str:
    """One header line, folded at spaces when longer than 78 characters."""
    line = f"{name}: {value}"
    if len(line) <= 78 or "\r\n" in value:
        return line + CRLF
    out, current = [], f"{name}:"
    for word in value.split(" "):
        if len(current) + 1 + len(word) > 78 and current.strip() != f"{name}:":
            out.append(current)
            current = ""
        current += " " + word
    out.append(current)
    return CRLF.join(out) + CRLF


def _from(sender: str) -> str:
    name, address, _ = sender_parts(sender)
    if not name:
        return address
    shown = name if name.isascii() and not any(c in name for c in '()<>[]:;@\\,."') else None
    return f"{shown} <{address}>" if shown is not None else f"{Header(name, 'utf-8').encode()} <{address}>"


def _base64(text: str) -> str:
    raw = text.encode("utf-8")
    return CRLF.join(binascii.b2a_base64(raw[i:i + 57], newline=False).decode("ascii") for i in range(0, len(raw), 57))


def _quoted_printable(text: str) -> str:
    encoded = binascii.b2a_qp(text.replace("\r\n", "\n").encode("utf-8"), header=False).decode("ascii")
    return encoded.replace("\n", CRLF)


def build_message(rendered: RenderedEmail, *, sender: str, recipient: str, message_id: str, dated: datetime,
                  delivery_ids: Sequence[int], subscription_key: str) -> Mail:
    """The message for one recipient."""
    _, address, domain = sender_parts(sender)
    boundary = "=_rw_" + hashlib.sha256(message_id.encode()).hexdigest()[:24]  # "=_" never occurs in QP or base64
    headers = [
        ("From", _from(sender)),
        ("To", _clean(recipient)),
        ("Subject", _encoded(rendered.subject)),
        ("Date", format_datetime(dated)),
        ("Message-ID", message_id),
        # A list identity per subscription lets mail clients filter and offer "unsubscribe".
        ("List-Id", f"releasewatch alerts <{subscription_key}.alerts.{domain}>"),
        ("List-Unsubscribe", f"<mailto:{address}?subject=unsubscribe%20{subscription_key}>"),
        ("Auto-Submitted", "auto-generated"),  # RFC 3834: no vacation replies to a robot
        ("X-Auto-Response-Suppress", "All"),
        ("X-Releasewatch-Delivery", ", ".join(str(i) for i in delivery_ids)),
        ("MIME-Version", "1.0"),
        ("Content-Type", f'multipart/alternative; boundary="{boundary}"'),
    ]
    parts = [
        "".join(_header(name, value) for name, value in headers), CRLF,
        f"--{boundary}{CRLF}", 'Content-Type: text/plain; charset="utf-8"', CRLF,
        "Content-Transfer-Encoding: quoted-printable", CRLF, CRLF, _quoted_printable(rendered.text), CRLF,
        f"--{boundary}{CRLF}", 'Content-Type: text/html; charset="utf-8"', CRLF,
        "Content-Transfer-Encoding: base64", CRLF, CRLF, _base64(rendered.html), CRLF,
        f"--{boundary}--{CRLF}",
    ]
    return Mail("".join(parts).encode("ascii"), message_id, rendered.subject)
