"""Terminal escape injection (issue 10, defect 7): a page whose title, film name, evidence and
headers hold `\x1b[2J` and an OSC 8 link is crawled, then shown by every command that prints
scraped text. No escape reaches the terminal raw; each is shown as visible text instead.
"""
from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from pipeline.terminal import shown, visible, visible_json
from releasewatch.cli import main
from releasewatch.sample_server import SampleSite

CLEAR = "\x1b[2J"
LINK = "\x1b]8;;http://evil.example/\x1b\\click here\x1b]8;;\x1b\\"
RAW = ("\x1b", "\x9b", "\x07", "\u202e")  # ESC, one-byte CSI, BEL (ends OSC), right-to-left override
PAGE = (f"<!DOCTYPE html><html><head><title>News {CLEAR}{LINK}</title></head><body><main><article>"
        f"<p>Northlight Pictures has set a June 11, 2027 release date for <i>Night{CLEAR} Train</i>, "
        f"exclusively in theaters{LINK}.</p>"
        f"<p><i>Night{CLEAR} Train</i> stars Ana de Armas as Eve \x1b[31mMacarro.</p>"
        "<p>The film is directed by Teodora Vance.</p></article></main></body></html>")


@pytest.mark.parametrize(("raw", "expected"), [
    (f"a{CLEAR}b", "a\\x1b[2Jb"),
    (LINK, "\\x1b]8;;http://evil.example/\\x1b\\click here\\x1b]8;;\\x1b\\"),
    ("bell\x07 csi\x9b1m rtl\u202eevil", "bell\\x07 csi\\x9b1m rtl\\u202eevil"),
    ("Amélie — “fine” ñ 日本", "Amélie — “fine” ñ 日本"),
])
def test_visible_writes_control_characters_out(raw: str, expected: str) -> None:
    assert visible(raw) == expected


@given(st.text())
def test_nothing_a_terminal_obeys_survives(text: str) -> None:
    for out in (visible(text), shown(text), visible_json(json.dumps(text, ensure_ascii=False))):
        assert not any(ch in out for ch in RAW)
        assert not any(unicodedata.category(ch) == "Cc" for ch in out)
    assert json.loads(visible_json(json.dumps(text, ensure_ascii=False))) == text


def unsafe(text: str) -> str | None:
    """What is wrong with `text` as terminal output: a raw control character, or the escape not shown at all."""
    raw = [ch for ch in RAW if ch in text]
    if raw:
        return f"printed {raw!r} raw"
    return None if "\\x1b" in text or "\\u001b" in text else "did not show the escape as text"


def test_scraped_escapes_are_shown_not_obeyed_by_every_command(tmp_path: Path, site: SampleSite) -> None:
    site.write("news/night-train.html", PAGE)
    site.write("kit.bin", b"\x00\x01")
    site.set_content_type("kit.bin", f"application/x-kit{CLEAR}")
    db_url = f"sqlite:///{tmp_path / 'rw.db'}"
    config = tmp_path / "releasewatch.toml"
    config.write_text(f'[database]\nurl = "{db_url}"\n\n[[sources]]\nname = "news"\nkind = "pages"\n'
                      f'urls = ["{site.url("news/night-train.html")}", "{site.url("kit.bin")}"]\n', encoding="utf-8")
    crawled = subprocess.run([sys.executable, "-m", "releasewatch.cli", "crawl", "--config", str(config)],
                             capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert crawled.returncode == 0, crawled.stderr
    problems = {"crawl progress": unsafe(crawled.stderr)}

    runner = CliRunner()
    for args in (["report"], ["report", "--format", "json"], ["films"], ["estimates"], ["sources"],
                 ["runs", "--per-source"], ["extract", site.url("news/night-train.html")],
                 ["extract", "--json", site.url("news/night-train.html")]):
        result = runner.invoke(main, [*args, "--config", str(config)] if args[0] != "extract" else args,
                               catch_exceptions=False, env={"COLUMNS": "400"})
        assert result.exit_code == 0, result.output
        problems[" ".join(args)] = unsafe(result.output)
    assert {what: problem for what, problem in problems.items() if problem} == {}
