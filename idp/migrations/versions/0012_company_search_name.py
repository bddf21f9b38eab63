"""company search name: normalised when written, so that the PostgreSQL import joins it in SQL

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 18:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

from idp.services.directory import normalize_name


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

BATCH = 10_000


def upgrade():
    with op.batch_alter_table('company', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_name', sa.String(length=255), nullable=False, server_default=''))

    # Companies already there: normalised here, in Python, as the importer does when it writes — BATCH at a time, in
    # SIREN order, so that a directory of millions of companies is never all in memory (re-importing the
    # StockUniteLegale does the same faster: bench/README.md).
    connection = op.get_bind()
    company = sa.table('company', sa.column('siren'), sa.column('name'), sa.column('search_name'))
    update = company.update().where(company.c.siren == sa.bindparam('key')).values(search_name=sa.bindparam('value'))
    after = ''
    while rows := connection.execute(
        sa.select(company.c.siren, company.c.name).where(company.c.siren > after).order_by(company.c.siren).limit(BATCH)
    ).all():
        connection.execute(update, [{'key': siren, 'value': normalize_name(name)[:255]} for siren, name in rows])
        after = rows[-1][0]


def downgrade():
    with op.batch_alter_table('company', schema=None) as batch_op:
        batch_op.drop_column('search_name')
