"""The seeds, scored by the shared scorer (accuracy harness); the corpus pages are in test_eval_floors.py.

Re-record nothing here: gold lives in ../shared/dev-gold (seeds) and tests/gold (corpus pages).
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import need_shared
from pipeline.config import parse_watchlist
from pipeline.document import read_document
from pipeline.extract import extract_claims
from pipeline.extract_json import document_json

GOLD = Path(__file__).parent / "gold"


def _score(gold: Path, predictions: list[dict], tmp_path: Path) -> dict[str, float]:
    pred = tmp_path / "pred.jsonl"
    pred.write_text("\n".join(json.dumps(p) for p in predictions), encoding="utf-8")
    scorer = need_shared("tools", "score_claims.py")
    out = subprocess.run([sys.executable, str(scorer), str(gold), str(pred)], capture_output=True, text=True, check=True).stdout
    scores = {m[1]: float(m[2]) for m in re.finditer(r"^(\w+)\s+\d+\s+\d+\s+[\d.]+\s+[\d.]+\s+([\d.]+)$", out, re.M)}
    scores["published_ok"] = float(re.search(r"published date accuracy: (\d+)/", out)[1]) if "published" in out else 0
    return scores


def _seed_predictions(seeds_dir: Path, films: str = "") -> list[dict]:
    watchlist = parse_watchlist(films) if films else ()
    out = []
    for path in sorted(seeds_dir.glob("*.txt")):
        doc = read_document(path.read_bytes(), source=str(path), content_type="text/plain")
        out.append(document_json(doc, extract_claims(doc, watchlist)))
    return out


@pytest.mark.parametrize("films", ["", str(GOLD / "seeds_films.txt"), "Ballerina"])
def test_seeds_score(seeds_dir: Path, tmp_path: Path, films: str) -> None:
    scores = _score(need_shared("dev-gold", "seeds.jsonl"), _seed_predictions(seeds_dir, films), tmp_path)
    assert scores["overall"] >= 0.95
    assert scores["release_date"] == 1.0 and scores["director"] == 1.0
    assert scores["published_ok"] == 1


def test_seed_traps(seeds_dir: Path) -> None:
    docs = {Path(p["source"]).name[:3]: p for p in _seed_predictions(seeds_dir)}
    assert docs["001"]["published"] == "2024-01-03" and docs["001"]["updated"] == "2024-02-22"
    assert docs["000"]["published"] is None and docs["002"]["published"] is None
    for doc in docs.values():
        for c in doc["claims"]:
            assert not (c["field"] == "director" and c["value"] == "Anjelica Huston")
            assert not (c["field"] == "director" and c["film"] == "Ballerina" and c["value"] == "Chad Stahelski")
            assert c["value"] not in ("Darryl Lara", "Ismael Cortés")
    john_wick = {(c["film"], c["value"]) for c in docs["000"]["claims"] if c["field"] == "release_date"}
    assert john_wick == {("John Wick", "2014"), ("Ballerina", "2025")}
    summer = [c for c in docs["001"]["claims"] if c["value"] == "2024-summer"]
    assert [c["status"] for c in summer] == ["previous"]
    unity = [c for d in docs.values() for c in d["claims"] if c["value"] == "Unity Phelan"]
    assert unity and all("Parabellum" in c["film"] for c in unity)


def test_document_json_shape(seeds_dir: Path) -> None:
    obj = _seed_predictions(seeds_dir)[1]
    assert set(obj) == {"source", "title", "published", "updated", "claims"}
    keys = {"film", "field", "value", "precision", "start", "end", "status", "region", "kind", "character",
            "evidence", "confidence", "extractor"}
    assert obj["claims"] and all(set(c) == keys for c in obj["claims"])


def test_evidence_offsets_point_into_text(seeds_dir: Path) -> None:
    for path in sorted(seeds_dir.glob("*.txt")):
        doc = read_document(path.read_bytes(), source=str(path))
        for c in extract_claims(doc):
            assert doc.text[c.evidence_start:c.evidence_end] == c.evidence
            assert 0 < c.confidence <= 1 and c.extractor
