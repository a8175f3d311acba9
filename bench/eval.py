"""Extraction accuracy on the three development sets, with and without the watch-list, in one table.

usage: python bench/eval.py [--shared DIR] [--verbose SET]      (or: make eval)

Sets (gold labels, same format and label rules: ../shared/dev-gold/README.md):
  seeds      ../shared/seeds/*.txt                    gold ../shared/dev-gold/seeds.jsonl
  phenomena  ../shared/dev-gold/phenomena/texts/*.txt  gold ../shared/dev-gold/phenomena/phenomena.jsonl
  corpus     ../shared/corpus/html/<doc>.html.gz      gold tests/gold/corpus.jsonl (read with the page's URL)
The watch-list of a set is every gold film title with its aliases (the `--films` format
`Title|Alias|Alias`). Scores come from ../shared/tools/score_claims.py, run on the predictions
exactly as `releasewatch extract --json` would print them: precision, recall and F1 per field and
overall, and the share of documents whose publication date is right.
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.config import parse_watchlist  # noqa: E402
from pipeline.document import read_document, read_html  # noqa: E402
from pipeline.extract import extract_claims  # noqa: E402
from pipeline.extract_json import document_json  # noqa: E402
from pipeline.model import Document, WatchFilm  # noqa: E402

FIELDS = ("release_date", "director", "cast", "overall")
DEFAULT_SHARED = ROOT.parent / "shared"


@dataclass(frozen=True, slots=True)
class Score:
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True, slots=True)
class Result:
    """One set scored once: per-field scores and publication dates right / labelled."""

    name: str
    watchlist: bool
    scores: dict[str, Score]
    published_right: int
    published_total: int
    report: str  # the scorer's own output


@dataclass(frozen=True, slots=True)
class DevSet:
    name: str
    gold: Path
    documents: Callable[[], Iterator[Document]]


def dev_sets(shared: Path) -> list[DevSet]:
    """The three sets, reading from `shared` (../shared); a set whose files are missing raises FileNotFoundError."""
    phenomena = shared / "dev-gold" / "phenomena"
    corpus_gold = ROOT / "tests" / "gold" / "corpus.jsonl"

    def texts(folder: Path) -> Callable[[], Iterator[Document]]:
        def read() -> Iterator[Document]:
            paths = sorted(folder.glob("*.txt"))
            if not paths:
                raise FileNotFoundError(f"{folder}: no texts")
            for path in paths:
                yield read_document(path.read_bytes(), source=str(path), content_type="text/plain")
        return read

    def corpus_pages() -> Iterator[Document]:
        manifest = {}
        for line in (shared / "corpus" / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            manifest[rec["file"].rsplit("/", 1)[-1]] = rec
        for name in sorted({row["doc"] for row in _gold_rows(corpus_gold)}):
            body = gzip.decompress((shared / "corpus" / "html" / name).read_bytes())
            yield read_html(body, source=name, url=manifest[name]["url"])

    return [
        DevSet("seeds", shared / "dev-gold" / "seeds.jsonl", texts(shared / "seeds")),
        DevSet("phenomena", phenomena / "phenomena.jsonl", texts(phenomena / "texts")),
        DevSet("corpus", corpus_gold, corpus_pages),
    ]


def _gold_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def watchlist_lines(gold: Path) -> list[str]:
    """Every gold film title with all its aliases, one `Title|Alias|Alias` line each."""
    aliases: dict[str, list[str]] = {}
    for row in _gold_rows(gold):
        if "film" in row:
            known = aliases.setdefault(row["film"], [])
            known += [a for a in row.get("aliases", []) if a not in known and a != row["film"]]
    return ["|".join([title, *names]) for title, names in sorted(aliases.items())]


def _parse_report(report: str) -> tuple[dict[str, Score], int, int]:
    scores = {m[1]: Score(float(m[2]), float(m[3]), float(m[4]))
              for m in re.finditer(r"^(\w+)\s+\d+\s+\d+\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)$", report, re.M)}
    published = re.search(r"published date accuracy: (\d+)/(\d+)", report)
    return scores, int(published[1]) if published else 0, int(published[2]) if published else 0


def evaluate(dev_set: DevSet, scorer: Path, with_watchlist: bool, verbose: bool = False) -> Result:
    """Extract every document of the set and score the predictions with the shared scorer."""
    with tempfile.TemporaryDirectory(prefix="rw-eval-") as tmp:
        watchlist: tuple[WatchFilm, ...] = ()
        if with_watchlist:
            films = Path(tmp, "films.txt")
            films.write_text("\n".join(watchlist_lines(dev_set.gold)) + "\n", encoding="utf-8")
            watchlist = parse_watchlist(str(films))
        predictions = Path(tmp, "predictions.jsonl")
        with predictions.open("w", encoding="utf-8") as out:
            for doc in dev_set.documents():
                out.write(json.dumps(document_json(doc, extract_claims(doc, watchlist)), ensure_ascii=False) + "\n")
        command = [sys.executable, str(scorer), str(dev_set.gold), str(predictions), *(["--verbose"] if verbose else [])]
        report = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    scores, right, total = _parse_report(report)
    return Result(dev_set.name, with_watchlist, scores, right, total, report)


def table(results: list[Result]) -> str:
    """One Markdown table: a row per set and watch-list, P / R / F1 per field, publication dates."""
    head = "| set | watch-list | " + " | ".join(f"{f} P / R / F1" for f in FIELDS) + " | published |"
    rule = "|---|---|" + "---|" * (len(FIELDS) + 1)
    rows = [head, rule]
    for r in results:
        cells = [f"{s.precision:.2f} / {s.recall:.2f} / **{s.f1:.2f}**" if (s := r.scores.get(f)) else "–" for f in FIELDS]
        published = f"{r.published_right}/{r.published_total}" if r.published_total else "–"
        rows.append(f"| {r.name} | {'yes' if r.watchlist else 'no'} | " + " | ".join(cells) + f" | {published} |")
    return "\n".join(rows)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(DEFAULT_SHARED), help="the shared folder (default: ../shared)")
    ap.add_argument("--verbose", metavar="SET", help="also print the scorer's list of misses and false positives for SET")
    args = ap.parse_args()
    shared = Path(args.shared)
    scorer = shared / "tools" / "score_claims.py"
    if not scorer.exists():
        print(f"error: {scorer}: not found (pass --shared DIR)", file=sys.stderr)
        return 2
    results = []
    for dev_set in dev_sets(shared):
        for with_watchlist in (True, False):
            result = evaluate(dev_set, scorer, with_watchlist, verbose=args.verbose == dev_set.name)
            if args.verbose == dev_set.name:
                print(f"## {dev_set.name}, watch-list {'yes' if with_watchlist else 'no'}\n{result.report}")
            results.append(result)
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
