"""A real SMTP server on 127.0.0.1 (aiosmtpd) that records what it accepted, for alert tests.

- `smtp_server`: plain SMTP, no login, on a free port; `smtp_server.messages` holds what it took.
- `tls_smtp_server`: STARTTLS required (a self-signed certificate made for the test, trusted through
  `ca_file`) and AUTH required (user "alerts", password "s3cret-pw").

The server can be told to answer the next DATA commands with a 4xx or 5xx, to refuse recipients,
and can be stopped and started again on the same port (a mail server that was down).
"""
from __future__ import annotations

import datetime as dt
import email
import email.policy
import ipaddress
import socket
import ssl
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

__all__ = ["SmtpSink", "smtp_server", "tls_smtp_server", "free_port", "make_certificate"]

USERNAME, PASSWORD = "alerts", "s3cret-pw"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key, as PEM files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    raw: bytes

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])


@dataclass
class _Handler:
    sink: SmtpSink
    data_replies: list[str] = field(default_factory=list)  # answers for the next DATA commands
    refuse: dict[str, str] = field(default_factory=dict)  # recipient -> RCPT reply

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.sink.lock:
            if self.data_replies:
                return self.data_replies.pop(0)
            raw = bytes(envelope.original_content or envelope.content)
            message = email.message_from_bytes(raw, policy=email.policy.default)
            assert isinstance(message, EmailMessage)
            self.sink.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message, raw))
            self.sink.authenticated.append(bool(getattr(session, "authenticated", False)))
        return "250 2.0.0 Ok: queued as RW%d" % len(self.sink.messages)


class SmtpSink:
    """The server: start()/stop() (again on the same port), and what it accepted."""

    def __init__(self, port: int | None = None, *, cert: tuple[Path, Path] | None = None, auth: bool = False) -> None:
        self.port = port or free_port()
        self.lock = threading.Lock()
        self.messages: list[Received] = []
        self.authenticated: list[bool] = []
        self.handler = _Handler(self)
        self._cert, self._auth = cert, auth
        self._controller: Controller | None = None

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == USERNAME.encode() and auth_data.password == PASSWORD.encode()
        return AuthResult(success=ok, handled=False)

    def start(self) -> SmtpSink:
        kwargs: dict[str, Any] = {}
        if self._cert is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(self._cert[0]), str(self._cert[1]))
            kwargs.update(tls_context=context, require_starttls=True)
        if self._auth:
            kwargs.update(authenticator=self._authenticate, auth_required=True, auth_require_tls=self._cert is not None)
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, ready_timeout=10, **kwargs)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def by_recipient(self) -> dict[str, Counter[str]]:
        """Per recipient, how many copies of each Message-ID arrived."""
        result: dict[str, Counter[str]] = {}
        with self.lock:
            for m in self.messages:
                for to in m.rcpt_tos:
                    result.setdefault(to, Counter())[m.message_id] += 1
        return result


@pytest.fixture
def smtp_server() -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture
def tls_smtp_server(tmp_path: Path) -> Iterator[SmtpSink]:
    sink = SmtpSink(cert=make_certificate(tmp_path), auth=True).start()
    try:
        yield sink
    finally:
        sink.stop()
