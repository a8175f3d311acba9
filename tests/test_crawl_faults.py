"""`releasewatch crawl` under faults, as an operator meets them: kill -9 of the command, of the crawl
child and of the storage worker, SIGTERM, a full disk, a listing whose pages fail the first time.

Each test runs the real command as a process against a site served by the test and a SQLite file,
and checks the issue's goal: no page lost without a failure record, no run left `running`, no
process left behind, one line per problem and no page text in it.
"""
from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pipeline.config import Config, SourceConfig
from pipeline.model import WatchFilm
from releasewatch.sample_server import SampleSite
from scrapers.crawl import run_crawl
from storage import repository
from storage.db import Database
from storage.models import CrawlRun, FetchFailure, Page, Snapshot, Source

# The processes of a crawl are found and watched through /proc (Linux).
pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find a crawl's processes")
RELEASEWATCH = Path(sys.executable).with_name("releasewatch")
SECRET = "Zq7-page-text-marker"  # in every page body: must never reach an error line
PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Film {i} news</title></head>
<body><article><h1>Film {i} news</h1>
<p>Northlight Pictures has set a June {day}, 2027 release date for The Salt Road, exclusively in theaters.</p>
<p>The Salt Road is directed by Teodora Vance. {secret}</p></article></body></html>
"""
FAST = {"DOWNLOAD_TIMEOUT": 2, "RETRY_TIMES": 0, "AUTOTHROTTLE_START_DELAY": 0, "DOWNLOAD_DELAY": 0,
        "RELEASEWATCH_EXTRACT_WORKERS": 0}


def write_pages(site: SampleSite, count: int, secret: str = "") -> list[str]:
    for i in range(count):
        site.write(f"news/{i}.html", PAGE.format(i=i, day=1 + i % 28, secret=SECRET + secret))
    return [site.url(f"news/{i}.html") for i in range(count)]


def write_config(tmp_path: Path, urls: list[str], delay: float) -> Path:
    listed = ", ".join(f'"{u}"' for u in urls)
    config = tmp_path / "releasewatch.toml"
    config.write_text(f'[[sources]]\nname = "news"\nkind = "pages"\nurls = [{listed}]\ndelay = {delay}\n\n'
                      '[[films]]\ntitle = "The Salt Road"\n', encoding="utf-8")
    return config


@pytest.fixture
def database(sqlite_url: str) -> Iterator[Database]:
    db = Database(sqlite_url)
    db.upgrade()
    try:
        yield db
    finally:
        db.dispose()


def start_crawl(config: Path, db: Database, limit_file_bytes: int | None = None) -> subprocess.Popen[str]:
    def limit() -> None:
        if limit_file_bytes is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_bytes, limit_file_bytes))

    return subprocess.Popen([str(RELEASEWATCH), "crawl", "--config", str(config), "--db", db.url],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=limit)


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        for child in children(todo.pop()):
            found.append(child)
            todo.append(child)
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def holds(pid: int, path: Path) -> bool:
    try:
        return any(os.readlink(fd).startswith(str(path)) for fd in Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False


def wait_for(what: Callable[[], object], timeout: float, message: str) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = what()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting until {message}")


def crawl_child(cli: subprocess.Popen[str]) -> int:
    return int(wait_for(lambda: next((p for p in descendants(cli.pid) if "scrapers.run_crawl" in cmdline(p)), 0),
                        30, "the crawl child runs"))


def finish(cli: subprocess.Popen[str], timeout: float = 60) -> tuple[int, str]:
    try:
        _out, err = cli.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        cli.kill()
        cli.communicate()
        raise AssertionError(f"`releasewatch crawl` did not end within {timeout}s") from None
    return cli.returncode, err


def assert_all_gone(pids: list[int], timeout: float = 20) -> None:
    wait_for(lambda: not [p for p in pids if alive(p)], timeout, f"processes {pids} are gone")


def runs(db: Database) -> list[CrawlRun]:
    with db.session() as s:
        return list(s.scalars(select(CrawlRun).order_by(CrawlRun.id)))


def stored_by(db: Database, run_id: int) -> set[str]:
    with db.session() as s:
        return set(s.scalars(select(Page.url).join(Snapshot, Snapshot.page_id == Page.id)
                             .where(Snapshot.crawl_run_id == run_id)))


def failed_in(db: Database, run_id: int) -> set[str]:
    with db.session() as s:
        return set(s.scalars(select(FetchFailure.url).where(FetchFailure.crawl_run_id == run_id))) - {""}


def snapshot_count(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count(Snapshot.id))) or 0)


def assert_no_page_text(stderr: str) -> None:
    assert SECRET not in stderr and "Traceback" not in stderr, stderr[-3000:]


def assert_counts_match_what_was_stored(db: Database, run: CrawlRun) -> None:
    with db.session() as s:
        claims = int(s.scalar(select(func.coalesce(func.sum(Snapshot.claim_count), 0))
                              .where(Snapshot.crawl_run_id == run.id)) or 0)
    assert (run.pages_fetched, run.claims) == (len(stored_by(db, run.id)), claims)


# -- kill -9 and SIGTERM --------------------------------------------------------------------------
def test_a_killed_storage_worker_fails_the_run_and_loses_no_page_silently(
        tmp_path: Path, site: SampleSite, database: Database) -> None:
    urls = write_pages(site, 10)
    cli = start_crawl(write_config(tmp_path, urls, delay=0.4), database)
    db_file = Path(database.engine.url.database or "")
    worker = int(wait_for(lambda: next((p for p in descendants(cli.pid)
                                        if "multiprocessing" in cmdline(p) and holds(p, db_file)), 0),
                          40, "the storage worker has the database open"))
    wait_for(lambda: site.hits("news/1.html"), 30, "pages are being fetched")
    os.kill(worker, signal.SIGKILL)
    code, err = finish(cli)
    assert code == 1, err[-2000:]
    assert "storage worker died (killed by signal 9)" in err
    assert_no_page_text(err)
    [run] = runs(database)
    assert run.status == "failed"
    # Every page the run requested is stored or recorded as failed: none lost silently.
    requested = {u for u in urls if site.hits(u.split("/", 3)[3])}
    assert requested and requested <= stored_by(database, run.id) | failed_in(database, run.id)
    assert run.pages_failed >= len(requested - stored_by(database, run.id))


def test_a_killed_crawl_child_ends_the_command_and_its_workers(tmp_path: Path, site: SampleSite,
                                                               database: Database) -> None:
    cli = start_crawl(write_config(tmp_path, write_pages(site, 12), delay=0.4), database)
    child = crawl_child(cli)
    wait_for(lambda: site.hits("news/1.html") and len(descendants(child)) >= 2, 40, "the child and its workers run")
    family = [child, *descendants(child)]
    os.kill(child, signal.SIGKILL)
    code, err = finish(cli, timeout=30)
    assert code == 1
    assert "crawl process was killed by signal SIGKILL" in err
    assert_no_page_text(err)
    assert_all_gone(family)
    [run] = runs(database)
    assert run.status == "failed" and run.finished_at is not None
    assert_counts_match_what_was_stored(database, run)


def test_sigterm_ends_a_crawl_as_cleanly_as_ctrl_c(tmp_path: Path, site: SampleSite, database: Database) -> None:
    urls = write_pages(site, 12)
    cli = start_crawl(write_config(tmp_path, urls, delay=0.4), database)
    child = crawl_child(cli)
    wait_for(lambda: site.hits("news/2.html") and len(descendants(child)) >= 2, 40, "pages are being fetched")
    family = [child, *descendants(child)]
    cli.send_signal(signal.SIGTERM)
    code, err = finish(cli, timeout=40)
    assert code == 143, err[-2000:]
    assert err.strip().splitlines()[-1] == "error: crawl interrupted by SIGTERM; the run is recorded as interrupted"
    assert_no_page_text(err)
    assert_all_gone(family)
    [run] = runs(database)
    assert run.status == "interrupted" and run.finished_at is not None
    # The child stored what it had fetched before it stopped.
    fetched = {u for u in urls if site.hits(u.split("/", 3)[3])}
    assert stored_by(database, run.id) | failed_in(database, run.id) >= fetched
    assert_counts_match_what_was_stored(database, run)


def test_a_killed_command_takes_its_crawl_down_and_the_next_crawl_closes_its_run(
        tmp_path: Path, site: SampleSite, database: Database) -> None:
    urls = write_pages(site, 16)
    config = write_config(tmp_path, urls, delay=0.5)
    cli = start_crawl(config, database)
    child = crawl_child(cli)
    wait_for(lambda: len(descendants(child)) >= 2, 40, "the crawl's workers run")
    family = [child, *descendants(child)]
    # A batch is stored (every 5 s), then the command dies without a chance to clean up.
    wait_for(lambda: snapshot_count(database), 40, "a first batch is stored")
    os.kill(cli.pid, signal.SIGKILL)
    cli.communicate()
    assert_all_gone(family)
    [killed] = runs(database)
    # The orphaned child stopped, stored what it held and closed the run itself; the next run
    # closes any run whose process is gone (below, one whose child was killed too).
    assert killed.status == "interrupted"
    assert_counts_match_what_was_stored(database, killed)
    assert killed.pages_fetched >= 1

    # Every page changes; this time the whole crawl dies at once, after its first batch is stored,
    # and nobody is left to close its run.
    write_pages(site, 16, secret="v2")
    cli = start_crawl(config, database)
    child = crawl_child(cli)
    wait_for(lambda: len(runs(database)) == 2 and stored_by(database, runs(database)[1].id), 40,
             "the second crawl stored a batch")
    family = [cli.pid, child, *descendants(child)]
    for pid in family:
        os.kill(pid, signal.SIGKILL)
    cli.communicate()
    assert_all_gone(family)
    second = runs(database)[1]
    assert second.status == "running"

    # The next crawl closes it as interrupted, its counts rebuilt from what it stored.
    cli = start_crawl(write_config(tmp_path, urls[:1], delay=0), database)
    code, err = finish(cli)
    assert code == 0, err[-2000:]
    assert f"closed  crawl run #{second.id} as interrupted: its process is gone" in err
    closed = runs(database)[1]
    assert closed.status == "interrupted" and closed.finished_at is not None
    assert_counts_match_what_was_stored(database, closed)
    assert closed.pages_fetched >= 1
    assert [r.status for r in runs(database)].count("running") == 0


# -- storage failures -----------------------------------------------------------------------------
def test_a_full_disk_stops_the_crawl_with_one_line_and_fails(tmp_path: Path, site: SampleSite,
                                                              database: Database) -> None:
    urls = write_pages(site, 30)
    database.dispose()
    # No file the command writes may grow past 64 KB: the database's write-ahead log fills up
    # after the run is recorded, while the first batch of pages is stored.
    cli = start_crawl(write_config(tmp_path, urls, delay=0), database, limit_file_bytes=64 * 1024)
    code, err = finish(cli, timeout=90)
    assert code == 1, err[-2000:]
    problems = [line for line in err.splitlines() if not line.startswith("fetched  ")]
    assert len(problems) == 1 and problems[0].startswith("error  storage failed, stopping the crawl: "), err[-3000:]
    assert "disk I/O error" in problems[0] or "disk is full" in problems[0]
    assert_no_page_text(err)
    [run] = runs(database)
    assert run.status == "failed"
    assert set(urls) == stored_by(database, run.id) | failed_in(database, run.id)


# -- listings -------------------------------------------------------------------------------------
def rss(site: SampleSite, paths: list[str]) -> str:
    items = "".join(f"<item><title>{p}</title><link>{site.url(p)}</link>"
                    "<pubDate>Mon, 30 Nov 2026 08:00:00 GMT</pubDate></item>" for p in paths)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>{items}</channel></rss>'


def test_a_feed_whose_pages_failed_is_read_whole_until_they_are_stored(sqlite_url: str, site: SampleSite) -> None:
    paths = ["news/a.html", "news/b.html", "news/c.html"]
    for i, path in enumerate(paths):
        site.write(path, PAGE.format(i=i, day=i + 1, secret=""))
    site.write("feed.xml", rss(site, paths))
    site.set_status("news/b.html", 503, times=1)
    site.set_status("news/c.html", 503, times=1)
    database = Database(sqlite_url)
    database.upgrade()
    config = Config("(test)", sqlite_url, (SourceConfig("news", "feed", (site.url("feed.xml"),)),),
                    (WatchFilm("The Salt Road"),))

    def crawl() -> tuple[int, int]:
        summary = run_crawl(config, sqlite_url, settings_overrides=FAST, progress=False)
        return summary.pages_fetched, summary.pages_failed

    try:
        assert crawl() == (1, 2)
        statuses = [s for _, p, s in site.requests if p == "/feed.xml"]
        # The feed's ETag was not kept: the next run reads it whole and asks again for b and c.
        assert crawl() == (2, 0)
        assert [s for _, p, s in site.requests if p == "/feed.xml"][len(statuses):] == [200]
        with database.session() as s:
            stored = set(s.scalars(select(Page.url).join(Source).where(Page.latest_snapshot_id.is_not(None))))
            assert stored == {site.url(p) for p in paths}
        # Every page it named is stored now: its validators are kept and the next run gets a 304.
        crawl()
        assert [s for _, p, s in site.requests if p == "/feed.xml"][-1] == 304
    finally:
        database.dispose()
