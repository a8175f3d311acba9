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
