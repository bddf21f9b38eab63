"""What every benchmark does the same way: print as it goes, and make a database in its throwaway cluster."""

import sqlalchemy as sa


def say(message: str) -> None:
    print(message, flush=True)  # flushed: the figures show while a long run goes on


def create_database(server: str, name: str) -> str:
    """A new database in the cluster `server` (a URL without database); its URL."""
    engine = sa.create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return f"{server}/{name}"
