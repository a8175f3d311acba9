"""HTML report benchmark (issue 13): the report of 10,000 events over 2,000 films.

Builds a SQLite database through the real ingest path (storage.ingest.ingest_batch: snapshots,
claims, diff, events): per film a studio page gives a date and a director, a fan page another date
(a conflict), then the fan page corrects itself (a change and a resolution): five events per film.
Then times `releasewatch report --format html --output FILE` as the command runs it
(releasewatch.reporting.make_report: queries, estimates, timelines, rendering, writing) and prints
the events, the seconds (wall clock and CPU), the size of the file and the peak RSS. Goals: under 5 s and 20 MB.

usage: python bench/report.py [--films N] [--db URL] [--output FILE]
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.model import Claim, Document, FetchedPage  # noqa: E402
from pipeline.release_window import window  # noqa: E402
from releasewatch.reporting import ReportRequest, make_report  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.ingest import ingest_batch  # noqa: E402
from storage.repository.views import PageVersion  # noqa: E402

T0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)


def _date(film: str, value: str, evidence: str) -> Claim:
    w = window(value)
    return Claim(film=film, field="release_date", value=value, evidence=evidence, confidence=0.9, extractor="bench",
                 precision=w.precision, start=w.start, end=w.end, status="current", kind="theatrical")


def _version(source: str, film: int, step: int, claims: list[Claim], at: datetime) -> PageVersion:
    url = f"https://{source}.example/films/{film:05d}"
    page = FetchedPage(source, url, url, 200, {}, b"", at)
    return PageVersion(page, Document(source=source, text="", published=at.date()), claims, f"{source}-{film}-{step}")


def build(database: Database, films: int) -> None:
    rounds = []
    for i in range(films):
        title = f"Film {i:05d}"
        real = date(2027, 1, 1) + timedelta(days=i % 700)
        stale = real - timedelta(days=60 + i % 90)
        rounds.append((
            _version("studio", i, 0, [
                _date(title, real.isoformat(), f"{title} opens in theaters on {real:%B %-d, %Y}."),
                Claim(film=title, field="director", value=f"Director {i % 997:03d}",
                      evidence=f"{title} is directed by Director {i % 997:03d}.", confidence=0.9, extractor="bench"),
            ], T0),
            _version("fansite", i, 0, [_date(title, stale.isoformat(), f"{title} arrives {stale:%B %-d, %Y}.")],
                     T0 + timedelta(days=1)),
            _version("fansite", i, 1, [_date(title, real.isoformat(), f"Update: {title} now arrives {real:%B %-d, %Y}.")],
                     T0 + timedelta(days=5)),
        ))
    for step in range(3):
        for start in range(0, films, 500):
            batch = [r[step] for r in rounds[start:start + 500]]
            with database.session() as s:
                ingest_batch(s, batch, None, batch[0].page.fetched_at)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--films", type=int, default=2000)
    parser.add_argument("--db", help="an existing database URL to report on instead of building one")
    parser.add_argument("--output", type=Path, help="where to write the HTML (default: a temporary file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'bench.db'}"
        database = Database(url)
        database.upgrade()
        if not args.db:
            started = time.perf_counter()
            build(database, args.films)
            print(f"built {args.films} films in {time.perf_counter() - started:.1f} s")
        output = args.output or Path(tmp) / "report.html"
        started, cpu = time.perf_counter(), time.process_time()
        outcome = make_report(database, ReportRequest("html", since="2000-01-01", output=output),
                              T0 + timedelta(days=10))
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        size = output.stat().st_size
        films = len(outcome.view.films)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"html report: {len(outcome.view.events)} events over {films} films in {seconds:.2f} s "
              f"({cpu:.2f} s of CPU; the rest is waiting for a shared machine or the disk), "
              f"{size / 1e6:.1f} MB, peak RSS {peak:.0f} MB (goals: < 5 s, < 20 MB)")
        database.dispose()
        if seconds >= 5 or size >= 20e6:
            sys.exit(1)


if __name__ == "__main__":
    main()
