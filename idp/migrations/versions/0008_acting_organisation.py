"""acting organisation: the SIRET a person chose to act for, on codes and tokens

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 12:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('authorization_code', schema=None) as batch_op:
        batch_op.add_column(sa.Column('acting_siret', sa.String(length=14), nullable=True))
    with op.batch_alter_table('oauth_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('acting_siret', sa.String(length=14), nullable=True))


def downgrade():
    with op.batch_alter_table('oauth_token', schema=None) as batch_op:
        batch_op.drop_column('acting_siret')
    with op.batch_alter_table('authorization_code', schema=None) as batch_op:
        batch_op.drop_column('acting_siret')
