"""Builders of ObservedClaim values for the diff and estimate tests."""
from __future__ import annotations

from datetime import date, datetime, timezone
from itertools import count

from pipeline.model import Claim, ObservedClaim
from pipeline.release_window import window

T0 = datetime(2024, 3, 1, tzinfo=timezone.utc)
next_id = count(1)


def date_claim(source: str, value: str, *, status: str = "current", region: str | None = None,
               kind: str = "unspecified", published: date | None = None, film: str = "ballerina") -> ObservedClaim:
    w = window(value)
    claim = Claim(film=film.title(), field="release_date", value=value, evidence=f"{source} says {value}",
                  confidence=0.9, extractor="test", precision=w.precision, start=w.start, end=w.end,
                  status=status, region=region, kind=kind)
    return ObservedClaim(next(next_id), film, source, f"http://{source}.test/a", 1, T0, claim, published)


def cast_claim(source: str, actor: str, character: str | None) -> ObservedClaim:
    claim = Claim(film="Ballerina", field="cast", value=actor, character=character, evidence="x",
                  confidence=0.9, extractor="test")
    return ObservedClaim(next(next_id), "ballerina", source, f"http://{source}.test/a", 1, T0, claim)


def director_claim(source: str, name: str) -> ObservedClaim:
    claim = Claim(film="Ballerina", field="director", value=name, evidence="x", confidence=0.9, extractor="test")
    return ObservedClaim(next(next_id), "ballerina", source, f"http://{source}.test/a", 1, T0, claim)
