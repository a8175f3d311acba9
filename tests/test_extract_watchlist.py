"""`releasewatch extract` takes its watch-list from --films, else from the configuration's [[films]]."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.config import parse_watchlist
from pipeline.errors import ConfigError
from pipeline.model import WatchFilm
from releasewatch.cli import main

# Only the watch-list says that "Ferry Two" is another title of "Night Ferry II".
TEXT = "Studio news\n\nDirector Ana Ruiz said Ferry Two opens in theaters on March 5, 2027.\n"
CONFIG = '[[films]]\ntitle = "Night Ferry II"\naliases = ["Ferry Two"]\n'


@pytest.fixture
def article(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The article, in a working directory of its own (no ./releasewatch.toml unless a test writes one)."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "article.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def _films(args: list[str]) -> tuple[int, set[str], str]:
    result = CliRunner().invoke(main, ["extract", *args, "--json"])
    films = {c["film"] for line in result.stdout.splitlines() if line.startswith("{") for c in json.loads(line)["claims"]}
    return result.exit_code, films, result.stderr


def test_without_a_watch_list_the_text_title_stands(article: Path, tmp_path: Path) -> None:
    assert _films([str(article)])[:2] == (0, {"Ferry Two"})


def test_the_config_watch_list_is_used_with_config(article: Path, tmp_path: Path) -> None:
    config = tmp_path / "other.toml"
    config.write_text(CONFIG, encoding="utf-8")
    assert _films([str(article), "--config", str(config)])[:2] == (0, {"Night Ferry II"})


def test_the_config_watch_list_is_used_from_the_default_file(article: Path, tmp_path: Path) -> None:
    (tmp_path / "releasewatch.toml").write_text(CONFIG, encoding="utf-8")
    assert _films([str(article)])[:2] == (0, {"Night Ferry II"})


def test_films_overrides_the_config(article: Path, tmp_path: Path) -> None:
    (tmp_path / "releasewatch.toml").write_text(CONFIG, encoding="utf-8")
    assert _films([str(article), "--films", "Night Ferry 2|Ferry Two"])[:2] == (0, {"Night Ferry 2"})


def test_a_missing_config_is_one_clear_line(article: Path, tmp_path: Path) -> None:
    status, films, err = _films([str(article), "--config", str(tmp_path / "nope.toml")])
    assert status == 2 and not films
    assert err.strip() == f"error: {tmp_path / 'nope.toml'}: file not found (create one from examples/releasewatch.toml)"


@pytest.mark.parametrize("spec", ["{tmp}/missing.txt", "missing-films.txt", "./missing", "{tmp}/sub/films"])
def test_a_missing_films_file_fails_clearly(article: Path, tmp_path: Path, spec: str) -> None:
    (tmp_path / "sub").mkdir()
    spec = spec.format(tmp=tmp_path)
    status, films, err = _films([str(article), "--films", spec])
    assert status == 2 and not films
    assert err.strip() == f"error: {spec}: --films: file not found"


def test_a_films_directory_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is a directory"):
        parse_watchlist(str(tmp_path))


@pytest.mark.parametrize(("spec", "expected"), [
    ("Ballerina", (WatchFilm("Ballerina"),)),
    ("Face/Off, Up", (WatchFilm("Face/Off"), WatchFilm("Up"))),
    ("Night Ferry II|Ferry Two", (WatchFilm("Night Ferry II", ("Ferry Two",)),)),
])
def test_titles_that_are_not_paths_stay_titles(spec: str, expected: tuple[WatchFilm, ...]) -> None:
    assert parse_watchlist(spec) == expected


def test_a_films_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "films"
    path.write_text("# followed\nNight Ferry II|Ferry Two\n\nUp\n", encoding="utf-8")
    assert parse_watchlist(str(path)) == (WatchFilm("Night Ferry II", ("Ferry Two",)), WatchFilm("Up"))
