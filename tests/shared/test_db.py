"""A long-running job (an outbox worker, a scheduled loop) outlives a database outage: the pass fails, is logged,
its dead connection is discarded, and the next pass works — the process is not restarted (issue 18)."""

import logging
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import scoped_session, sessionmaker

from shared.db import outliving_outages


def test_a_pass_during_an_outage_is_skipped_and_the_next_one_works(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """SQLite in a folder that is not there yet: the server down, then back."""
    engine = create_engine(f"sqlite:///{tmp_path / 'later' / 'jobs.sqlite3'}")
    session = scoped_session(sessionmaker(engine))

    def one_pass() -> int:
        return int(session.execute(text("SELECT 1")).scalar_one())

    with caplog.at_level(logging.WARNING, logger="shared.db"):
        assert outliving_outages(session, one_pass, "outbox worker") is None
    assert "outbox worker: database unavailable (OperationalError)" in caplog.text
    (tmp_path / "later").mkdir()
    assert outliving_outages(session, one_pass, "outbox worker") == 1
    session.remove()
    engine.dispose()


def test_other_errors_still_end_the_job() -> None:
    session = scoped_session(sessionmaker(create_engine("sqlite://")))

    def bug() -> None:
        raise ValueError("a bug, not an outage")

    with pytest.raises(ValueError, match="a bug"):
        outliving_outages(session, bug, "outbox worker")
