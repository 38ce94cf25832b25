"""Callback requests and their audit trail.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "callback_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("reference", sa.String(16), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("urgent", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("sender", sa.String(80), nullable=False),
        sa.Column("contact", sa.LargeBinary, nullable=True),
        sa.Column("safe_time", sa.String(20), nullable=False),
        sa.Column("voicemail_ok", sa.Boolean, nullable=False),
        sa.Column("say_organisation_ok", sa.Boolean, nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("interpreter", sa.Boolean, nullable=False),
        sa.Column("topic", sa.String(40), nullable=True),
        sa.Column("claimed_by", sa.String(80), nullable=True),
    )
    op.create_index("ix_callback_requests_reference", "callback_requests", ["reference"],
                    unique=True)
    op.create_index("ix_callback_requests_state", "callback_requests", ["state"])
    op.create_index("ix_callback_requests_sender", "callback_requests", ["sender"])
    op.create_table(
        "callback_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("request_id", sa.Integer, sa.ForeignKey("callback_requests.id"),
                  nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("from_state", sa.String(20), nullable=True),
        sa.Column("to_state", sa.String(20), nullable=True),
        sa.Column("note", sa.Text, nullable=True),
    )
    op.create_index("ix_callback_events_request_id", "callback_events", ["request_id"])


def downgrade() -> None:
    op.drop_table("callback_events")
    op.drop_table("callback_requests")
