"""directory words: every word of the establishment names and how many carry it; on PostgreSQL an index of those words

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 20:54:48.483806

"""
from alembic import op
import sqlalchemy as sa

from idp.directory_copy import COUNT_WORDS, create_name_index


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('directory_word',
    sa.Column('word', sa.String(length=255), nullable=False),
    sa.Column('establishments', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('word', name=op.f('pk_directory_word'))
    )
    with op.batch_alter_table('directory_word', schema=None) as batch_op:
        batch_op.create_index('ix_directory_word_word_trgm', ['word'], unique=False, postgresql_using='gin', postgresql_ops={'word': 'gin_trgm_ops'})

    # PostgreSQL's name search finds establishments by their words (idp/services/directory.py): the index of the
    # names' words, and the words of the directory already imported, counted as the next import would.
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(create_name_index('ix_establishment_search_words'))
        for statement in COUNT_WORDS:
            op.execute(statement)


def downgrade():
    op.execute('DROP INDEX IF EXISTS ix_establishment_search_words')
    with op.batch_alter_table('directory_word', schema=None) as batch_op:
        batch_op.drop_index('ix_directory_word_word_trgm', postgresql_using='gin', postgresql_ops={'word': 'gin_trgm_ops'})

    op.drop_table('directory_word')
