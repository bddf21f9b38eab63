"""Alembic's environment, the same for every app with a database (Flask-Migrate's generated env.py, once): each
app's `migrations/env.py` calls `run()`. The engine and the metadata are those of the app Flask-Migrate runs."""

import logging
from logging.config import fileConfig
from typing import Any

from alembic import context
from flask import current_app

logger = logging.getLogger("alembic.env")


def _metadata() -> Any:
    target_db = current_app.extensions["migrate"].db
    return target_db.metadatas[None] if hasattr(target_db, "metadatas") else target_db.metadata


def _skip_empty_revisions(migration_context: Any, revision: Any, directives: list[Any]) -> None:
    """`flask db migrate` with no change to the schema writes no empty migration."""
    if getattr(context.config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def run() -> None:
    config = context.config
    if config.config_file_name:
        # Without disable_existing_loggers=False, the apps' loggers created before (shared.db's, the outbox's…) would
        # stay silent for the rest of the process once a migration ran in it (a test session, a set-up script).
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    engine = current_app.extensions["migrate"].db.engine
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    if context.is_offline_mode():
        context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=_metadata(), literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    configure_args = current_app.extensions["migrate"].configure_args
    configure_args.setdefault("process_revision_directives", _skip_empty_revisions)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=_metadata(), **configure_args)
        with context.begin_transaction():
            context.run_migrations()
