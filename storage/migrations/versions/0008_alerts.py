"""alerts: subscriptions, the delivery outbox, and the last state of what is alerted on change.

An event's deliveries are written in the transaction that stores the event (ingest, rediff), so a
crash never leaves an event whose alert is lost; `alerts send` leases due deliveries, sends them
and marks each one sent only after the server accepted it.

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-02 13:15:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'alert_subscriptions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=300), nullable=False),
        sa.Column('name', sa.Text(), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('recipients', sa.JSON(), nullable=False),
        sa.Column('films', sa.JSON(), nullable=False),
        sa.Column('events', sa.JSON(), nullable=False),
        sa.Column('sources', sa.JSON(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_subscriptions')),
        sa.UniqueConstraint('key', name=op.f('uq_alert_subscriptions_key')),
    )
    op.create_table(
        'alert_deliveries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dedup_key', sa.String(length=300), nullable=False),
        sa.Column('subscription_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=32), nullable=False),
        sa.Column('recipient', sa.String(length=300), nullable=False),
        sa.Column('topic', sa.String(length=32), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=True),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=32), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('lease_owner', sa.String(length=300), nullable=True),
        sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('message_id', sa.String(length=300), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'sent', 'failed')", name=op.f('ck_alert_deliveries_status')),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_alert_deliveries_event_id_events')),
        sa.ForeignKeyConstraint(['subscription_id'], ['alert_subscriptions.id'],
                                name=op.f('fk_alert_deliveries_subscription_id_alert_subscriptions')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_deliveries')),
        sa.UniqueConstraint('dedup_key', name=op.f('uq_alert_deliveries_dedup_key')),
    )
    op.create_index(op.f('ix_alert_deliveries_status_next_attempt_at'), 'alert_deliveries', ['status', 'next_attempt_at'])
    op.create_index(op.f('ix_alert_deliveries_subscription_id'), 'alert_deliveries', ['subscription_id'])
    op.create_index(op.f('ix_alert_deliveries_event_id'), 'alert_deliveries', ['event_id'])
    op.create_index(op.f('ix_alert_deliveries_message_id'), 'alert_deliveries', ['message_id'])
    op.create_index(op.f('ix_alert_deliveries_created_at'), 'alert_deliveries', ['created_at'])
    op.create_table(
        'alert_states',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=300), nullable=False),
        sa.Column('state', sa.String(length=32), nullable=False),
        sa.Column('detail', sa.Text(), nullable=True),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_states')),
        sa.UniqueConstraint('key', name=op.f('uq_alert_states_key')),
    )


def downgrade() -> None:
    op.drop_table('alert_states')
    op.drop_table('alert_deliveries')
    op.drop_table('alert_subscriptions')
