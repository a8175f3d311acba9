"""Initial schema: sources, pages, snapshots, films and aliases, claims, events, crawl runs, fetch failures.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 03:20:48
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Migrations are frozen: they spell types out instead of importing storage.types.
# storage.types.UTCDateTime stores UTC in a timezone-aware column (timestamptz on PostgreSQL).
UTC_TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table('crawl_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', UTC_TIMESTAMP, nullable=False),
    sa.Column('finished_at', UTC_TIMESTAMP, nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('pages_fetched', sa.Integer(), nullable=False),
    sa.Column('pages_unchanged', sa.Integer(), nullable=False),
    sa.Column('pages_failed', sa.Integer(), nullable=False),
    sa.Column('claims', sa.Integer(), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('running', 'ok', 'partial', 'failed')", name=op.f('ck_crawl_runs_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crawl_runs'))
    )
    op.create_index(op.f('ix_crawl_runs_started_at'), 'crawl_runs', ['started_at'], unique=False)

    op.create_table('films',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('created_at', UTC_TIMESTAMP, nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_films')),
    sa.UniqueConstraint('key', name=op.f('uq_films_key'))
    )
    op.create_table('sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('trust', sa.Float(), nullable=False),
    sa.Column('created_at', UTC_TIMESTAMP, nullable=False),
    sa.Column('updated_at', UTC_TIMESTAMP, nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sources')),
    sa.UniqueConstraint('name', name=op.f('uq_sources_name'))
    )
    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=32), nullable=False),
    sa.Column('film_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=32), nullable=False),
    sa.Column('region', sa.String(length=32), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=True),
    sa.Column('actor', sa.Text(), nullable=True),
    sa.Column('old_claim_ids', sa.JSON(), nullable=False),
    sa.Column('new_claim_ids', sa.JSON(), nullable=False),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('severity', sa.String(length=32), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('fingerprint', sa.String(length=300), nullable=False),
    sa.Column('crawl_run_id', sa.Integer(), nullable=True),
    sa.Column('detected_at', UTC_TIMESTAMP, nullable=False),
    sa.CheckConstraint("type IN ('new', 'changed', 'conflict', 'resolved', 'withdrawn')", name=op.f('ck_events_type')),
    sa.ForeignKeyConstraint(['crawl_run_id'], ['crawl_runs.id'], name=op.f('fk_events_crawl_run_id_crawl_runs')),
    sa.ForeignKeyConstraint(['film_id'], ['films.id'], name=op.f('fk_events_film_id_films')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events')),
    sa.UniqueConstraint('fingerprint', name=op.f('uq_events_fingerprint'))
    )
    op.create_index(op.f('ix_events_detected_at'), 'events', ['detected_at'], unique=False)
    op.create_index(op.f('ix_events_film_id'), 'events', ['film_id'], unique=False)

    op.create_table('fetch_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('crawl_run_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('at', UTC_TIMESTAMP, nullable=False),
    sa.ForeignKeyConstraint(['crawl_run_id'], ['crawl_runs.id'], name=op.f('fk_fetch_failures_crawl_run_id_crawl_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fetch_failures'))
    )
    op.create_index(op.f('ix_fetch_failures_crawl_run_id'), 'fetch_failures', ['crawl_run_id'], unique=False)

    op.create_table('film_aliases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('film_id', sa.Integer(), nullable=False),
    sa.Column('alias', sa.Text(), nullable=False),
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['film_id'], ['films.id'], name=op.f('fk_film_aliases_film_id_films')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_film_aliases')),
    sa.UniqueConstraint('key', name=op.f('uq_film_aliases_key'))
    )
    op.create_index(op.f('ix_film_aliases_film_id'), 'film_aliases', ['film_id'], unique=False)

    op.create_table('pages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('first_seen_at', UTC_TIMESTAMP, nullable=False),
    sa.Column('last_checked_at', UTC_TIMESTAMP, nullable=True),
    sa.Column('last_status', sa.Integer(), nullable=True),
    sa.Column('etag', sa.Text(), nullable=True),
    sa.Column('last_modified', sa.Text(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_pages_source_id_sources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pages')),
    sa.UniqueConstraint('source_id', 'url', name=op.f('uq_pages_source_id_url'))
    )
    op.create_table('snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('fetched_at', UTC_TIMESTAMP, nullable=False),
    sa.Column('http_status', sa.Integer(), nullable=False),
    sa.Column('etag', sa.Text(), nullable=True),
    sa.Column('last_modified', sa.Text(), nullable=True),
    sa.Column('content_hash', sa.String(length=300), nullable=False),
    sa.Column('final_url', sa.String(length=2048), nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('published', sa.Date(), nullable=True),
    sa.Column('updated', sa.Date(), nullable=True),
    sa.Column('claim_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_snapshots_page_id_pages')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_snapshots'))
    )
    op.create_index(op.f('ix_snapshots_page_id_fetched_at'), 'snapshots', ['page_id', 'fetched_at'], unique=False)

    op.create_table('claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('snapshot_id', sa.Integer(), nullable=False),
    sa.Column('film_id', sa.Integer(), nullable=False),
    sa.Column('film_written', sa.Text(), nullable=True),
    sa.Column('field', sa.String(length=32), nullable=False),
    sa.Column('value', sa.Text(), nullable=True),
    sa.Column('precision', sa.String(length=32), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=True),
    sa.Column('region', sa.String(length=32), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=True),
    sa.Column('character', sa.Text(), nullable=True),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('evidence_start', sa.Integer(), nullable=True),
    sa.Column('evidence_end', sa.Integer(), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('extractor', sa.Text(), nullable=False),
    sa.Column('created_at', UTC_TIMESTAMP, nullable=False),
    sa.CheckConstraint("field IN ('release_date', 'director', 'cast')", name=op.f('ck_claims_field')),
    sa.ForeignKeyConstraint(['film_id'], ['films.id'], name=op.f('fk_claims_film_id_films')),
    sa.ForeignKeyConstraint(['snapshot_id'], ['snapshots.id'], name=op.f('fk_claims_snapshot_id_snapshots')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claims'))
    )
    op.create_index(op.f('ix_claims_film_id'), 'claims', ['film_id'], unique=False)
    op.create_index(op.f('ix_claims_snapshot_id'), 'claims', ['snapshot_id'], unique=False)



def downgrade() -> None:
    op.drop_index(op.f('ix_claims_snapshot_id'), table_name='claims')
    op.drop_index(op.f('ix_claims_film_id'), table_name='claims')

    op.drop_table('claims')
    op.drop_index(op.f('ix_snapshots_page_id_fetched_at'), table_name='snapshots')

    op.drop_table('snapshots')
    op.drop_table('pages')
    op.drop_index(op.f('ix_film_aliases_film_id'), table_name='film_aliases')

    op.drop_table('film_aliases')
    op.drop_index(op.f('ix_fetch_failures_crawl_run_id'), table_name='fetch_failures')

    op.drop_table('fetch_failures')
    op.drop_index(op.f('ix_events_film_id'), table_name='events')
    op.drop_index(op.f('ix_events_detected_at'), table_name='events')

    op.drop_table('events')
    op.drop_table('sources')
    op.drop_table('films')
    op.drop_index(op.f('ix_crawl_runs_started_at'), table_name='crawl_runs')

    op.drop_table('crawl_runs')
