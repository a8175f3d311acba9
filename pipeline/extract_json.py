"""The JSON object `releasewatch extract --json` prints for one document (a stable interface).

    {"source": ..., "title": ..., "published": "YYYY-MM-DD"|null, "updated": ...|null,
     "claims": [claim.to_json(), ...]}

`../shared/tools/score_claims.py` reads exactly this, one object per line.
"""
from __future__ import annotations

from typing import Any, Sequence

from pipeline.model import Claim, Document


def document_json(document: Document, claims: Sequence[Claim]) -> dict[str, Any]:
    """The extract --json object for `document` and the claims extracted from it."""
    return {
        "source": document.source,
        "title": document.title,
        "published": document.published.isoformat() if document.published else None,
        "updated": document.updated.isoformat() if document.updated else None,
        "claims": [c.to_json() for c in claims],
    }
