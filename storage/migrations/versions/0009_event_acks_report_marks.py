"""event_acks and report_marks: who reviewed which event, and where each report left off.

`releasewatch ack` records an analyst's review of events (append-only: the newest row per event
counts); `releasewatch report` without --since shows the events after the newest one the same kind
of report (format, output, filters) showed last time.

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-02 13:30:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'event_acks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('by', sa.String(length=300), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_acks_event_id_events')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_event_acks')),
    )
    op.create_index(op.f('ix_event_acks_event_id'), 'event_acks', ['event_id'], unique=False)
    op.create_table(
        'report_marks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=300), nullable=False),
        sa.Column('last_event_id', sa.Integer(), nullable=False),
        sa.Column('reported_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_marks')),
        sa.UniqueConstraint('key', name=op.f('uq_report_marks_key')),
    )


def downgrade() -> None:
    op.drop_table('report_marks')
    op.drop_index(op.f('ix_event_acks_event_id'), table_name='event_acks')
    op.drop_table('event_acks')
