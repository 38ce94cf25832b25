"""A staff account's Telegram user, so buttons in the staff group act as that account.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff_accounts") as batch:
        batch.add_column(sa.Column("telegram_user_id", sa.BigInteger, nullable=True))
        batch.create_unique_constraint("uq_staff_telegram_user", ["telegram_user_id"])


def downgrade() -> None:
    with op.batch_alter_table("staff_accounts") as batch:
        batch.drop_constraint("uq_staff_telegram_user", type_="unique")
        batch.drop_column("telegram_user_id")
