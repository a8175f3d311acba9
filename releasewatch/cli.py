"""`releasewatch`: the front door. Each command parses options, calls one library function, and
turns library errors into one clear line and a non-zero exit status."""
from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from pathlib import Path

import click

from pipeline.errors import PipelineError
from pipeline.terminal import visible, visible_json
from releasewatch.errors import ReleasewatchError
from storage.errors import masked_url

DEFAULT_CONFIG = "releasewatch.toml"


def _fail(message: str, status: int = 1) -> None:
    click.echo(f"error: {visible(message)}", err=True)
    sys.exit(status)


def _errors():
    """The library errors a person can act on; anything else is a bug and keeps its traceback."""
    from storage.errors import StorageError

    return (PipelineError, ReleasewatchError, StorageError)


def _load_config(path: str | None, required: bool):
    from pipeline.config import Config, load_config

    if path is None and not Path(DEFAULT_CONFIG).exists():
        if required:
            _fail(f"{DEFAULT_CONFIG}: file not found (pass --config, or copy examples/releasewatch.toml)", 2)
        return Config(path=DEFAULT_CONFIG)
    return load_config(path or DEFAULT_CONFIG)


def _database(db: str | None, config):
    from storage.db import Database, resolve_url

    database = Database(resolve_url(db, config.database_url if Path(config.path).exists() else None))
    database.upgrade()
    return database


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="releasewatch")
def main() -> None:
    """releasewatch: track what the web says about upcoming films.

    Crawls news and cinema pages, extracts release dates, directors and cast with the sentence that
    says them, and reports every change and every conflict between sources.
    """


db_option = click.option("--db", "db", metavar="URL", help="SQLAlchemy database URL (default: RELEASEWATCH_DATABASE_URL, [database] url, then sqlite:///releasewatch.db).")
config_option = click.option("--config", "config_path", metavar="PATH", help=f"Configuration file (default: ./{DEFAULT_CONFIG}).")


@main.command()
@db_option
@config_option
def init(db: str | None, config_path: str | None) -> None:
    """Create the database or upgrade it to the latest schema."""
    try:
        database = _database(db, _load_config(config_path, required=False))
        click.echo(f"database ready: {masked_url(database.url)}")
    except _errors() as exc:
        _fail(str(exc))


@main.command()
@click.option("--source", "sources", multiple=True, metavar="NAME", help="Crawl only this source (repeatable).")
@click.option("--alerts", "send_alerts", is_flag=True, help="Send the alerts the crawl queued right after it ([alerts]).")
@db_option
@config_option
def crawl(sources: tuple[str, ...], send_alerts: bool, db: str | None, config_path: str | None) -> None:
    """Fetch every page of the configured sources, extract claims, diff and store them."""
    from releasewatch.output import print_crawl_summary
    from scrapers.crawl import run_crawl

    try:
        config = _load_config(config_path, required=True)
        for name in sources:
            config.source(name)
        database = _database(db, config)
        summary = run_crawl(config, database.url, list(sources) or None)
    except _errors() as exc:
        _fail(str(exc))
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM (scrapers.errors.CrawlInterrupted)
        name = getattr(exc, "signal_name", None)
        _fail(f"crawl interrupted{f' by {name}' if name else ''}; the run is recorded as interrupted",
              143 if name == "SIGTERM" else 130)
    print_crawl_summary(summary)
    if send_alerts:
        from releasewatch.alerts_cmd import send_after_crawl

        try:
            alerts_ok = send_after_crawl(config, database)
        except _errors() as exc:
            _fail(str(exc))
        if not alerts_ok:
            sys.exit(1)
    if summary.status == "failed":
        sys.exit(1)


@main.command()
@click.argument("inputs", nargs=-1, required=True, metavar="PATH_OR_URL...")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per document (the stable interface).")
@click.option("--films", "films", metavar="FILE|TITLES", help="Watch-list: a file with one title a line (aliases after '|'), or comma-separated titles. Default: the configuration's [[films]].")
@config_option
def extract(inputs: tuple[str, ...], as_json: bool, films: str | None, config_path: str | None) -> None:
    """Print the claims that files or URLs make (.html/.htm/.html.gz as HTML, anything else as article text)."""
    from pipeline.config import parse_watchlist
    from releasewatch.extract_cmd import extract_documents
    from releasewatch.output import print_document_claims

    try:
        # The same watch-list a crawl would use, unless --films names another one.
        watchlist = parse_watchlist(films) if films else _load_config(config_path, required=False).films
    except _errors() as exc:
        _fail(str(exc), 2)
    failed = 0
    for spec in inputs:
        try:
            (doc,) = extract_documents([spec], watchlist)
        except _errors() as exc:
            click.echo(f"error: {visible(exc)}", err=True)
            failed += 1
            continue
        if as_json:
            click.echo(visible_json(json.dumps(doc, ensure_ascii=False)))
        else:
            print_document_claims(doc)
    if failed:
        sys.exit(1)


@main.command()
@click.option("--limit", default=20, show_default=True, help="How many recent runs to show.")
@click.option("--per-source", is_flag=True, help="One row per source of each run: requested, fetched, 304, unchanged, new, cut off, failed (and why), claims, events, bytes, seconds.")
@db_option
@config_option
def runs(limit: int, per_source: bool, db: str | None, config_path: str | None) -> None:
    """List recent crawl runs with their counts."""
    from releasewatch.crawl_output import print_run_sources
    from releasewatch.output import print_runs
    from storage.repository import list_runs

    try:
        database = _database(db, _load_config(config_path, required=False))
        with database.session() as s:
            rows = list_runs(s, limit)
    except _errors() as exc:
        _fail(str(exc))
    print_runs(rows)
    if per_source:
        print_run_sources(rows)


@main.command()
@db_option
@config_option
def sources(db: str | None, config_path: str | None) -> None:
    """Show each source's health: last success, last error, failed runs in a row, pages tracked.

    A source is flagged BROKEN when it failed its last N runs ([crawl] broken_after, default 3),
    or when its newest page versions stopped yielding any claim.
    """
    from releasewatch.crawl_output import print_sources
    from storage.repository import source_health

    try:
        config = _load_config(config_path, required=False)
        database = _database(db, config)
        with database.session() as s:
            rows = source_health(s, config.crawl.broken_after)
    except _errors() as exc:
        _fail(str(exc))
    print_sources(rows, config.crawl.broken_after)


@main.command()
@db_option
@config_option
def rediff(db: str | None, config_path: str | None) -> None:
    """Recompute all events from stored claims (after the rules improve), keeping every event already seen."""
    from storage.rediff import rediff as recompute
    from storage.repository.alerts import sync_subscriptions

    try:
        config = _load_config(config_path, required=False)
        database = _database(db, config)
        with database.session() as s:
            now = datetime.now(timezone.utc)
            if Path(config.path).exists():  # new events queue their alerts for the configured subscriptions
                sync_subscriptions(s, config.alerts.subscriptions if config.alerts else (), now)
            outcome = recompute(s, now)
    except _errors() as exc:
        _fail(str(exc))
    click.echo(f"replayed {outcome.snapshots} snapshot(s): {outcome.recomputed} event(s) follow from the stored claims, "
               f"{outcome.added} of them new, {outcome.already_stored} already stored")
    if outcome.no_longer_produced:
        ids = ", ".join(f"#{i}" for i in outcome.no_longer_produced[:20])
        more = "" if len(outcome.no_longer_produced) <= 20 else f" and {len(outcome.no_longer_produced) - 20} more"
        click.echo(f"{len(outcome.no_longer_produced)} stored event(s) no longer follow from the current rules "
                   f"and are kept, marked superseded: {ids}{more}")


@main.group(invoke_without_command=True)
@db_option
@config_option
@click.pass_context
def films(ctx: click.Context, db: str | None, config_path: str | None) -> None:
    """List films with their aliases and how many claims and events name them."""
    ctx.obj = {"db": db, "config_path": config_path}
    if ctx.invoked_subcommand is not None:
        return
    from releasewatch.output import print_films
    from storage.repository.film_admin import list_films

    try:
        database = _database(db, _load_config(config_path, required=False))
        with database.session() as s:
            rows = list_films(s)
    except _errors() as exc:
        _fail(str(exc))
    print_films(rows)


@films.command("merge")
@click.argument("keep", metavar="KEEP")
@click.argument("merge", metavar="MERGE")
@click.pass_context
def films_merge(ctx: click.Context, keep: str, merge: str) -> None:
    """Join film MERGE into film KEEP (titles or aliases): every claim, event and alias moves to KEEP."""
    from storage.repository.film_admin import merge_films

    try:
        database = _database(ctx.obj["db"], _load_config(ctx.obj["config_path"], required=False))
        with database.session() as s:
            outcome = merge_films(s, keep, merge)
    except (*_errors(), ValueError, LookupError) as exc:
        _fail(str(exc))
    click.echo(visible(f"merged {outcome.merged_title!r} into {outcome.kept.title!r}: {outcome.claims_moved} claim(s) and "
                       f"{outcome.events_moved} event(s) moved; aliases now: {', '.join(outcome.kept.aliases)}"))
    click.echo("run `releasewatch rediff` to recompute conflicts across the merged film")


@main.command()
@click.option("--film", metavar="TITLE", help="Only this film (title or alias).")
@click.option("--learned", is_flag=True, help="Weigh sources by reliability learned from agreement instead of configured trust.")
@db_option
@config_option
def estimates(film: str | None, learned: bool, db: str | None, config_path: str | None) -> None:
    """Best current estimate per film and field, which claim wins and why; learned reliability beside trust."""
    from pipeline.estimate import estimates as best_estimates
    from pipeline.estimate import learn_reliability
    from releasewatch.output import print_estimates
    from storage.repository import current_claims
    from storage.repository.films import key_of
    from storage.repository.sources import source_trust

    today = datetime.now(timezone.utc).date()
    try:
        database = _database(db, _load_config(config_path, required=False))
        with database.session() as s:
            claims = current_claims(s, [key_of(film)] if film else None)
            trust = source_trust(s)
            titles = {c.film_key: c.claim.film for c in claims}
    except _errors() as exc:
        _fail(str(exc))
    reliability = learn_reliability(claims, trust, today)
    weights = reliability if learned else trust
    print_estimates(best_estimates(claims, weights, today), titles, trust, reliability, learned)


@main.command()
@click.option("--db-file", default="releasewatch-demo.db", show_default=True, help="SQLite file for the demo (reset at each run).")
def demo(db_file: str) -> None:
    """Serve a bundled sample site on 127.0.0.1, crawl it twice around an article update, print the report."""
    from releasewatch.demo import run_demo

    try:
        run_demo(Path(db_file))
    except _errors() as exc:
        _fail(str(exc))


from releasewatch import report_cmd  # noqa: E402,F401  (registers report, film, calendar, ack)
from releasewatch import schedule_cmd  # noqa: E402,F401  (registers `schedule` on main)
import releasewatch.alerts_cmd  # noqa: E402,F401  (registers `releasewatch alerts`)

if __name__ == "__main__":
    main()
