"""The SMTP conversation, with smtplib: connect (TLS or STARTTLS), log in, send, keep a transcript.

One connection is opened lazily and reused for every message of a run; a server that drops it is
reconnected once for the next message. Every server reply is kept (`transcript`) so that `alerts
test` can print exactly what the server said, and every failure becomes a DeliveryFailed whose
reason holds the server's own words, with the password scrubbed out should a server echo it.
"""
from __future__ import annotations

import smtplib
import socket
import ssl
from collections import deque
from dataclasses import dataclass

from pipeline.alerts_config import AlertsConfig
from releasewatch.alerts.errors import DeliveryFailed, PasswordMissing
from releasewatch.alerts.message import Mail, sender_parts


TRANSCRIPT_REPLIES = 100  # `alerts test` shows them all: a few per recipient


@dataclass(frozen=True, slots=True)
class Reply:
    """One exchange: what we sent (never the password) and what the server answered."""

    command: str
    code: int
    text: str

    def __str__(self) -> str:
        return f"{self.command}: {self.code} {self.text}"


def _text(message: bytes | str) -> str:
    raw = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    return " ".join(raw.split())


class SmtpConnection:
    """A session with the configured SMTP server; `send` returns the server's reply to DATA."""

    def __init__(self, alerts: AlertsConfig, password: str | None) -> None:
        self._alerts, self._password = alerts, password
        self._smtp: smtplib.SMTP | None = None
        # The latest replies only: a run of 10,000 messages must not keep 40,000 of them.
        self.transcript: deque[Reply] = deque(maxlen=TRANSCRIPT_REPLIES)

    @classmethod
    def from_config(cls, alerts: AlertsConfig, environ: dict[str, str]) -> SmtpConnection:
        password = None
        if alerts.password_env:
            password = environ.get(alerts.password_env)
            if password is None and alerts.username:
                raise PasswordMissing(alerts.password_env)
        return cls(alerts, password)

    def _scrub(self, text: str) -> str:
        return text.replace(self._password, "***") if self._password else text

    def _fail(self, what: str, reason: str, *, temporary: bool, connection: bool) -> DeliveryFailed:
        where = f"{self._alerts.smtp_host}:{self._alerts.smtp_port}"
        return DeliveryFailed(self._scrub(f"{what} ({where}): {reason}"), temporary=temporary, connection=connection)

    def _context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self._alerts.ca_file)

    def open(self) -> None:
        """Connect, secure and log in; DeliveryFailed(connection=True) when the server cannot be used."""
        a = self._alerts
        try:
            if a.security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(timeout=a.timeout, context=self._context())
            else:
                smtp = smtplib.SMTP(timeout=a.timeout)
            # The constructor would connect too but drop the greeting, which `alerts test` shows;
            # TLS checks the certificate against `_host`, which only the constructor sets.
            smtp._host = a.smtp_host  # type: ignore[attr-defined]
            code, banner = smtp.connect(a.smtp_host, a.smtp_port)
            self.transcript.append(Reply("connect", code, _text(banner)))
            code, text = smtp.ehlo()
            self.transcript.append(Reply("EHLO", code, _text(text).split(" ")[0]))
            if a.security == "starttls":
                if not smtp.has_extn("starttls"):
                    raise self._fail("cannot secure the connection", "the server does not offer STARTTLS "
                                     "(set security = \"ssl\" or \"none\")", temporary=True, connection=True)
                code, text = smtp.starttls(context=self._context())
                self.transcript.append(Reply("STARTTLS", code, _text(text)))
                smtp.ehlo()
            if a.username:
                code, text = smtp.login(a.username, self._password or "")
                self.transcript.append(Reply(f"AUTH as {a.username}", code, _text(text)))
        except DeliveryFailed:
            raise
        except smtplib.SMTPAuthenticationError as exc:
            raise self._fail(f"the server refused the login as {a.username}", f"{exc.smtp_code} {_text(exc.smtp_error)}",
                             temporary=True, connection=True) from None
        except smtplib.SMTPResponseException as exc:
            raise self._fail("the server refused the connection", f"{exc.smtp_code} {_text(exc.smtp_error)}",
                             temporary=True, connection=True) from None
        except ssl.SSLError as exc:
            raise self._fail("TLS failed", exc.reason or str(exc), temporary=True, connection=True) from None
        except (smtplib.SMTPException, OSError) as exc:
            reason = "timed out" if isinstance(exc, socket.timeout) else (exc.strerror or str(exc) or type(exc).__name__)
            raise self._fail("cannot connect to the SMTP server", reason, temporary=True, connection=True) from None
        self._smtp = smtp

    def send(self, message: Mail, recipient: str) -> Reply:
        """Send one message to one recipient; the server's reply to DATA when it accepted it."""
        if self._smtp is None:
            self.open()
        try:
            return self._send(message, recipient)
        except smtplib.SMTPServerDisconnected:
            # A server may close an idle or long-used connection; the message was not accepted.
            self.close()
            raise self._fail("the server closed the connection", "retry later", temporary=True, connection=True) from None
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise self._fail("the connection failed", str(exc) or type(exc).__name__, temporary=True, connection=True) from None

    def _send(self, message: Mail, recipient: str) -> Reply:
        smtp = self._smtp
        assert smtp is not None
        sender = sender_parts(self._alerts.sender)[1]
        # docmd rather than mail()/rcpt(): those parse each address again (email.utils), which
        # cost as much as the exchange; both addresses were validated with the configuration.
        for verb, argument, accepted in (("MAIL", f"FROM:<{sender}>", (250,)), ("RCPT", f"TO:<{recipient}>", (250, 251))):
            command = f"{verb} {argument}"
            code, text = smtp.docmd(verb.lower(), argument)
            self.transcript.append(Reply(command, code, _text(text)))
            if code not in accepted:
                self._reset()
                raise self._refused(command, code, text)
        answer: bytes | str
        try:
            code, answer = smtp.data(message.data)
        except smtplib.SMTPDataError as exc:  # DATA itself refused (no 354)
            code, answer = exc.smtp_code, exc.smtp_error
        reply = Reply("DATA", code, _text(answer))
        self.transcript.append(reply)
        if code != 250:
            self._reset()
            raise self._refused("DATA", code, answer)
        return reply

    def _refused(self, command: str, code: int, text: bytes | str) -> DeliveryFailed:
        temporary = not 500 <= code < 600
        return self._fail(f"the server refused {command.split(':')[0]}", f"{code} {_text(text)}",
                          temporary=temporary, connection=code == 421)

    def _reset(self) -> None:
        try:
            if self._smtp is not None:
                self._smtp.rset()
        except (OSError, smtplib.SMTPException):
            self.close()

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
