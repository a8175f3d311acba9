"""The `releasewatch` commands as a person runs them: real files, real databases, real output."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import need_shared
from releasewatch.cli import main

CLAIM_KEYS = {"film", "field", "value", "precision", "start", "end", "status", "region", "kind",
              "character", "evidence", "confidence", "extractor"}


def run(*args: str, **kwargs):
    return CliRunner().invoke(main, list(args), catch_exceptions=False, **kwargs)


def test_every_command_has_help():
    for command in ("init", "crawl", "extract", "report", "runs", "demo"):
        result = run(command, "--help")
        assert result.exit_code == 0 and "Usage:" in result.output


def test_extract_json_feeds_the_scorer(tmp_path):
    seeds = sorted(need_shared("seeds").glob("*.txt"))
    result = run("extract", *map(str, seeds), "--json")
    assert result.exit_code == 0, result.output
    docs = [json.loads(line) for line in result.output.splitlines()]
    assert [d["source"] for d in docs] == [str(s) for s in seeds]
    for doc in docs:
        assert {"source", "title", "published", "updated", "claims"} <= doc.keys()
        for claim in doc["claims"]:
            assert CLAIM_KEYS <= claim.keys()
    predictions = tmp_path / "pred.jsonl"
    predictions.write_text(result.output, encoding="utf-8")
    scorer = need_shared("tools", "score_claims.py")
    gold = need_shared("dev-gold", "seeds.jsonl")
    scored = subprocess.run([sys.executable, str(scorer), str(gold), str(predictions)], capture_output=True, text=True)
    assert scored.returncode == 0, scored.stderr
    assert "overall F1" in scored.stdout


def test_extract_reports_a_missing_file_and_goes_on(tmp_path):
    good = tmp_path / "a.txt"
    good.write_text("Dune: Part Three is set for December 18, 2026.", encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", str(tmp_path / "missing.txt"), str(good), "--json"])
    assert result.exit_code == 1
    assert "missing.txt: no such file" in result.output
    assert json.loads(result.output.splitlines()[-1])["source"] == str(good)


def test_init_creates_and_upgrades_idempotently(tmp_path):
    url = f"sqlite:///{tmp_path / 'rw.db'}"
    for _ in range(2):
        result = run("init", "--db", url)
        assert result.exit_code == 0 and "database ready" in result.output


@pytest.mark.parametrize(
    "url",
    ["postgresql+psycopg://postgres@127.0.0.1:1/nothing", "sqlite:////no/such/directory/rw.db"],
)
def test_unreachable_database_is_one_clear_line(url):
    result = CliRunner().invoke(main, ["init", "--db", url])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: cannot connect to database")


def test_config_typo_names_file_and_key(tmp_path):
    config = tmp_path / "releasewatch.toml"
    config.write_text('[[sources]]\nname = "x"\nurl = ["https://example.com"]\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["crawl", "--config", str(config), "--db", f"sqlite:///{tmp_path / 'x.db'}"])
    assert result.exit_code == 1
    assert f"{config}: sources[0].url: unknown key" in result.output


def test_report_rejects_a_bad_since(tmp_path):
    result = CliRunner().invoke(main, ["report", "--since", "last tuesday", "--db", f"sqlite:///{tmp_path / 'x.db'}"])
    assert result.exit_code == 1 and "--since 'last tuesday'" in result.output
