"""events.superseded_at: when `releasewatch rediff` found the current rules no longer produce an event.

Events are never deleted (an analyst may have acted on one); a superseded one stays, marked, so
reports can tell it apart. NULL for every existing event.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 03:45:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('superseded_at')
