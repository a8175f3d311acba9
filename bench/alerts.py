"""Benchmark alert sending: N pending deliveries sent to a local SMTP server (aiosmtpd).

usage: python bench/alerts.py [--deliveries N] [--db URL]

Set-up (in a child process, so its memory does not count): N/2 real `new` events (director claims
of N/2 films, ingested as a crawl would) for a subscription with two recipients, hence N pending
deliveries. The SMTP server runs in another process and only counts what it accepts (messages,
distinct Message-IDs, connections). This process then runs send_pending once and prints:

  messages/s over the whole run, the number of SMTP connections used (goal: one, reused),
  the sender's RSS after 10%, 50% and 100% of the messages, and its peak RSS (goal: flat).

Goals (issue "Email alerts that are never lost and never sent twice"): >= 200 messages/s over one
reused connection, RSS flat.
"""
from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import re
import resource
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

T0 = datetime(2026, 3, 2, 7, 0, tzinfo=timezone.utc)
_MESSAGE_ID = re.compile(rb"^Message-ID: (\S+)", re.MULTILINE | re.IGNORECASE)


def _serve(port_out: multiprocessing.connection.Connection, stop: multiprocessing.synchronize.Event) -> None:
    from aiosmtpd.controller import Controller

    class Counter:
        def __init__(self) -> None:
            self.messages, self.ids, self.sessions = 0, set(), 0

        async def handle_EHLO(self, server, session, envelope, hostname, responses):  # type: ignore[no-untyped-def]
            self.sessions += 1
            session.host_name = hostname
            return responses

        async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
            self.messages += 1
            found = _MESSAGE_ID.search(envelope.content)
            if found:
                self.ids.add(found[1])
            return "250 2.0.0 Ok"

    handler = Counter()
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    port_out.send(port)
    stop.wait()
    controller.stop()
    port_out.send((handler.messages, len(handler.ids), handler.sessions, time.process_time()))


def _config_text(port: int) -> str:
    return f'''
[[sources]]
name = "studio"
urls = ["https://studio.example/"]

[alerts]
smtp_host = "127.0.0.1"
smtp_port = {port}
security = "none"
sender = "releasewatch <alerts@releasewatch.example>"

[[alerts.subscriptions]]
name = "everything new"
to = ["analyst@example.com", "boss@example.com"]
events = ["new"]
'''


def _setup(url: str, deliveries: int, port: int) -> None:
    from pipeline.config import parse_config
    from pipeline.model import Claim, Document, FetchedPage
    from storage.db import Database
    from storage.ingest import ingest_page
    from storage.repository import alerts as outbox
    from storage.repository import sync_sources

    config = parse_config(_config_text(port), "bench.toml")
    database = Database(url)
    database.upgrade()
    assert config.alerts is not None
    with database.session() as s:
        sync_sources(s, config.sources)
        outbox.sync_subscriptions(s, config.alerts.subscriptions, T0 - timedelta(days=1))
    films = deliveries // 2
    per_page = 500
    for page in range(0, films, per_page):
        claims = [Claim(f"Bench Film {i}", "director", f"Director {i}", f"Bench Film {i} is directed by Director {i}.", 0.9, "bench")
                  for i in range(page, min(films, page + per_page))]
        at = T0 - timedelta(hours=1, minutes=-page // per_page)
        url_ = f"https://studio.example/{page}"
        with database.session() as s:
            ingest_page(s, FetchedPage("studio", url_, url_, 200, {}, b"", at), Document("studio", "text"), claims,
                        f"bench-{page}", None, at)
    with database.session() as s:
        assert outbox.pending_count(s) == deliveries, outbox.pending_count(s)
    database.dispose()


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=10_000)
    parser.add_argument("--db", help="database URL (default: a new SQLite file in a temp folder)")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="rw-bench-alerts-")
    url = args.db or f"sqlite:///{workdir}/alerts.db"

    parent, child = multiprocessing.Pipe()
    stop = multiprocessing.Event()
    server = multiprocessing.Process(target=_serve, args=(child, stop), daemon=True)
    server.start()
    port = parent.recv()

    started = time.perf_counter()
    setup = multiprocessing.Process(target=_setup, args=(url, args.deliveries, port))
    setup.start()
    setup.join()
    if setup.exitcode != 0:
        sys.exit("set-up failed")
    print(f"set-up: {args.deliveries:,} pending deliveries ({args.deliveries // 2:,} events x 2 recipients) "
          f"in {time.perf_counter() - started:.1f} s; database {url}")

    from pipeline.config import parse_config
    from releasewatch.alerts import send_pending
    from storage.db import Database

    config = parse_config(_config_text(port), "bench.toml")
    database = Database(url)
    marks = {args.deliveries // 10: 0.0, args.deliveries // 2: 0.0, args.deliveries: 0.0}
    sent = 0

    def observe(outcome) -> None:  # type: ignore[no-untyped-def]
        nonlocal sent
        sent += 1
        if sent in marks:
            marks[sent] = _rss_mb()

    rss_before = _rss_mb()
    started, cpu_started = time.perf_counter(), time.process_time()
    summary = send_pending(config, database, T0, observe=observe)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    stop.set()
    received, distinct, sessions, server_cpu = parent.recv()
    server.join(10)

    rate = summary.messages / seconds
    print(f"sent: {summary.messages:,} messages in {seconds:.1f} s = {rate:.0f} messages/s  (goal >= 200)")
    print(f"server: {received:,} accepted, {distinct:,} distinct Message-IDs, {sessions} SMTP connection(s)  (goal: 1)")
    print(f"pending after the run: {summary.pending}, failed: {summary.failed}")
    # CPU per message does not depend on what else the machine runs; with 2 cores, one for each
    # process, a quiet machine sends at about the slower side's rate.
    per_message, server_per_message = 1000 * cpu / summary.messages, 1000 * server_cpu / max(received, 1)
    print(f"CPU per message: sender {per_message:.2f} ms (= {1000 / per_message:.0f} messages/s), "
          f"SMTP server {server_per_message:.2f} ms (= {1000 / server_per_message:.0f} messages/s); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    rss = ", ".join(f"{n:,} sent {mb:.0f} MB" for n, mb in marks.items())
    print(f"sender RSS: before {rss_before:.0f} MB; {rss}; peak {peak:.0f} MB  (goal: flat)")


if __name__ == "__main__":
    main()
