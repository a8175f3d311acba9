"""releasewatch.toml validation: every mistake names the file, the key and what is wrong."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import load_config, parse_config, parse_duration, parse_watchlist
from pipeline.errors import ConfigError

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "releasewatch.toml"
GOOD_SOURCE = '[[sources]]\nname = "a"\nurls = ["https://example.com/x"]\n'


def test_the_shipped_example_is_valid():
    config = load_config(EXAMPLE)
    assert [s.name for s in config.sources] == ["cinema-chain", "studio"]
    assert config.sources[0].every_seconds == 6 * 3600 and config.sources[0].trust == 0.8
    assert config.films[0].aliases == ("From the World of John Wick: Ballerina",)
    assert config.crawl.user_agent == "releasewatch/0.1 (+mailto:film-desk@example.com)"


def test_the_commented_examples_of_each_kind_are_valid_too():
    """Uncommenting the example sources must give a valid file (they document the keys)."""
    text = EXAMPLE.read_text(encoding="utf-8")
    head, sep, tail = text.partition("# [[sources]]")
    text = head + "\n".join(line[2:] if line.startswith("# ") and ("=" in line or line.startswith("# [")) else line
                             for line in (sep + tail).splitlines())
    config = parse_config(text, "example")
    by_name = {s.name: s for s in config.sources}
    assert by_name["trade-news"].kind == "feed" and by_name["trade-news"].revisit_days == 14
    assert by_name["trade-news"].concurrency == 1 and by_name["trade-news"].delay == 2.0
    assert by_name["film-news"].include == ("/movies/", "/news/") and by_name["film-news"].max_pages == 500
    assert by_name["studio-newsroom"].follow == ("/newsroom/20",) and by_name["studio-newsroom"].max_depth == 1
    assert config.alerts is not None and [sub.name for sub in config.alerts.subscriptions] == ["Ballerina watch", "ops"]


def test_source_defaults():
    [source] = parse_config(GOOD_SOURCE).sources
    assert (source.revisit_days, source.max_pages, source.follow, source.concurrency, source.delay) == (30, 5000, (), None, None)
    assert parse_config(GOOD_SOURCE).crawl.user_agent == "releasewatch/0.1 (+contact)"


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ("[database]\nurl = 'nonsense'", "database.url", "not an SQLAlchemy URL"),
        ("[databse]\nurl = 'sqlite:///x.db'", "databse", "unknown key"),
        ('[[sources]]\nname = "a"\nurls = ["https://e.com"]\nevery = "6 hours"', "sources[0].every", "not a duration"),
        ('[[sources]]\nname = "a"\nurls = ["https://e.com"]\ntrust = 1.5', "sources[0].trust", "from 0 to 1"),
        ('[[sources]]\nname = "a"\nurls = ["ftp://e.com"]', "sources[0].urls", "not an http"),
        ('[[sources]]\nname = "a"\nurls = []', "sources[0].urls", "non-empty list"),
        ('[[sources]]\nname = "a"\nkind = "rss"\nurls = ["https://e.com"]', "sources[0].kind", "not one of"),
        ('[[sources]]\nnmae = "a"\nurls = ["https://e.com"]', "sources[0].nmae", "unknown key"),
        (GOOD_SOURCE + GOOD_SOURCE, "sources[1].name", "must be unique"),
        ('[[films]]\naliases = ["x"]', "films[0].title", "is required"),
        ("this is = = not toml", "", "not valid TOML"),
        ('[[sources]]\nname = "a"\nurls = ["https://e.com"]\nrevisit_days = 7', "sources[0].revisit_days", "only feed and sitemap"),
        ('[[sources]]\nname = "a"\nkind = "feed"\nurls = ["https://e.com"]\nrevisit_days = 0', "sources[0].revisit_days", "from 1 to"),
        ('[[sources]]\nname = "a"\nkind = "feed"\nurls = ["https://e.com"]\nrevisit_days = "7d"', "sources[0].revisit_days", "whole number"),
        ('[[sources]]\nname = "a"\nkind = "feed"\nurls = ["https://e.com"]\ninclude = ["/news/"]', "sources[0].include", "only sitemap"),
        ('[[sources]]\nname = "a"\nkind = "sitemap"\nurls = ["https://e.com"]\ninclude = "/news/"', "sources[0].include", "list of non-empty regular"),
        ('[[sources]]\nname = "a"\nkind = "sitemap"\nurls = ["https://e.com"]\nexclude = ["(tag"]', "sources[0].exclude", "not a regular expression"),
        ('[[sources]]\nname = "a"\nurls = ["https://e.com"]\nfollow = ["["]', "sources[0].follow", "not a regular expression"),
        ('[[sources]]\nname = "a"\nurls = ["https://e.com"]\nmax_depth = 2', "sources[0].max_depth", "needs follow"),
        ('[[sources]]\nname = "a"\nurls = ["https://e.com"]\nfollow = ["/n/"]\nmax_depth = 0', "sources[0].max_depth", "from 1 to 10"),
        ('[[sources]]\nname = "a"\nurls = ["https://e.com"]\nmax_pages = -5', "sources[0].max_pages", "from 1 to"),
        ('[[sources]]\nname = "a"\nurls = ["https://e.com"]\nconcurrency = 0', "sources[0].concurrency", "from 1 to 64"),
        ('[[sources]]\nname = "a"\nurls = ["https://e.com"]\ndelay = -1', "sources[0].delay", "seconds from 0"),
        ('[[sources]]\nname = "a"\nurls = ["https://e.com"]\ndelay = true', "sources[0].delay", "seconds from 0"),
        ('[[sources]]\nname = "a"\nurls = ["https://e.com"]\nrevisit = 3', "sources[0].revisit", "unknown key"),
        ("[crawl]\ncontact = 'me (at) home'", "crawl.contact", "no parentheses"),
        ("[crawl]\nbroken_after = 0", "crawl.broken_after", "from 1 to 100"),
        ("[crawl]\nmax_page_mb = 0", "crawl.max_page_mb", "megabytes"),
        ("[crawl]\nuser_agent = 'x'", "crawl.user_agent", "unknown key"),
    ],
)
def test_mistakes_name_the_file_and_key(text, key, words):
    with pytest.raises(ConfigError) as info:
        parse_config(text, "conf/releasewatch.toml")
    message = str(info.value)
    assert message.startswith(f"conf/releasewatch.toml: {key}" if key else "conf/releasewatch.toml")
    assert words in message


def test_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "nope.toml")


def test_unknown_source_name_lists_the_known_ones():
    config = parse_config(GOOD_SOURCE)
    with pytest.raises(ConfigError, match=r"no source named 'b' \(known: a\)"):
        config.source("b")


@pytest.mark.parametrize(("text", "seconds"), [("30m", 1800), ("6h", 21600), ("1d", 86400), (" 2w ", 1209600)])
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


def test_watchlist_from_file_and_from_commas(tmp_path):
    f = tmp_path / "films.txt"
    f.write_text("# my films\nBallerina | From the World of John Wick: Ballerina\n\nJohn Wick 3|Parabellum\n", encoding="utf-8")
    assert [(w.title, w.aliases) for w in parse_watchlist(str(f))] == [
        ("Ballerina", ("From the World of John Wick: Ballerina",)), ("John Wick 3", ("Parabellum",))]
    assert [w.title for w in parse_watchlist("Ballerina, Dune")] == ["Ballerina", "Dune"]
