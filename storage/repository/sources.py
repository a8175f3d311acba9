"""Sources as the diff and estimates weigh them."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Source


def source_trust(s: Session) -> dict[str, float]:
    """Configured trust of every stored source, by name."""
    return dict(s.execute(select(Source.name, Source.trust)).tuples().all())
