"""Time the extraction stage over the shared corpus, on one core.

usage: python bench/extract.py [CORPUS_DIR] [--repeat N]

For every ../shared/corpus/html/*.html.gz page (gunzipped once, outside the timing) it measures
  * releasewatch: pipeline.document.read_html + pipeline.extract.extract_claims
  * trafilatura.extract(fast=True) alone on the same bytes
and prints median and p95 milliseconds per page for each, and their ratio. Goals (issue
"Claim extraction that gets real articles right"): median < 20 ms, p95 < 80 ms, and no more than
1.3x trafilatura-fast alone.

It also prints how many of the pages with a gold publication date (manifest.jsonl `published`)
get it right from releasewatch (the Document's `published`, pages read with their URL as a crawl
reads them) and from htmldate alone (find_date(extensive_search=True, original_date=True), the
reference; not timed). `--dates-verbose` lists the pages releasewatch gets wrong.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.document import read_html  # noqa: E402
from pipeline.extract import extract_claims  # noqa: E402


def _pin_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        try:
            os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        except OSError:
            pass


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?", default=str(Path(__file__).resolve().parents[2] / "shared" / "corpus"))
    ap.add_argument("--repeat", type=int, default=1, help="runs per page; the fastest counts")
    ap.add_argument("--dates-verbose", action="store_true", help="list the pages whose publication date is wrong")
    args = ap.parse_args()
    _pin_one_core()
    import trafilatura

    pages = sorted(Path(args.corpus, "html").glob("*.html.gz"))
    if not pages:
        print(f"no pages under {args.corpus}/html", file=sys.stderr)
        return 1
    bodies = [(p.name, gzip.decompress(p.read_bytes())) for p in pages]
    manifest = _manifest(Path(args.corpus))
    published: dict[str, str | None] = {}
    ours: list[float] = []
    theirs: list[float] = []
    claims = 0
    for name, body in bodies:
        best_ours = best_theirs = float("inf")
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            doc = read_html(body, source=name, url=manifest.get(name, {}).get("url"))
            found = extract_claims(doc)
            t1 = time.perf_counter()
            trafilatura.extract(body, fast=True)
            t2 = time.perf_counter()
            best_ours, best_theirs = min(best_ours, t1 - t0), min(best_theirs, t2 - t1)
        claims += len(found)
        published[name] = doc.published.isoformat() if doc.published else None
        ours.append(best_ours * 1000)
        theirs.append(best_theirs * 1000)
    med_o, p95_o = statistics.median(ours), _percentile(ours, 0.95)
    med_t, p95_t = statistics.median(theirs), _percentile(theirs, 0.95)
    print(f"pages: {len(bodies)}  claims: {claims}")
    print(f"{'':28}{'median ms':>10}{'p95 ms':>10}{'total s':>10}")
    print(f"{'releasewatch read+extract':28}{med_o:>10.1f}{p95_o:>10.1f}{sum(ours) / 1000:>10.2f}")
    print(f"{'trafilatura.extract(fast)':28}{med_t:>10.1f}{p95_t:>10.1f}{sum(theirs) / 1000:>10.2f}")
    print(f"ratio (median / p95 / total): {med_o / med_t:.2f}x / {p95_o / p95_t:.2f}x / {sum(ours) / sum(theirs):.2f}x")
    _print_published(dict(bodies), manifest, published, args.dates_verbose)
    return 0


def _manifest(corpus: Path) -> dict[str, dict]:
    path = corpus / "manifest.jsonl"
    if not path.exists():
        return {}
    records = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return {rec["file"].rsplit("/", 1)[-1]: rec for rec in records}


def _print_published(bodies: dict[str, bytes], manifest: dict[str, dict], ours: dict[str, str | None],
                     verbose: bool) -> None:
    """Publication-date accuracy on the pages with a gold date: releasewatch against htmldate alone."""
    from htmldate import find_date

    gold = {name: rec["published"] for name, rec in manifest.items() if rec.get("published") and name in bodies}
    if not gold:
        return
    theirs = {name: find_date(bodies[name], url=manifest[name].get("url"), extensive_search=True, original_date=True)
              for name in gold}
    ok_ours = sum(ours.get(name) == value for name, value in gold.items())
    ok_theirs = sum(theirs[name] == value for name, value in gold.items())
    print(f"published date, {len(gold)} pages with a gold date:")
    print(f"  releasewatch                {ok_ours:>4} right  {ok_ours / len(gold):.2f}")
    print(f"  htmldate (extensive)        {ok_theirs:>4} right  {ok_theirs / len(gold):.2f}")
    if verbose:
        for name, value in sorted(gold.items()):
            if ours.get(name) != value:
                print(f"  wrong: {name}  gold {value}  releasewatch {ours.get(name)}  htmldate {theirs[name]}")


if __name__ == "__main__":
    sys.exit(main())
