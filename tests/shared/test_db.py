"""A long-running job (an outbox worker, a scheduled loop) outlives a database outage: the pass fails, is logged,
its dead connection is discarded, and the next pass works — the process is not restarted (issue 18)."""

import logging
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import scoped_session, sessionmaker

from shared import db as db_module
from shared.db import outliving_outages, repeat_job


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


class Stopped(Exception):
    """Ends a scheduled loop in a test, in place of the operator's Ctrl-C."""


def test_a_scheduled_job_runs_once_or_every_period_through_an_outage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--every 3600`: a pass, an hour's wait, a pass… and a pass that meets the database down is skipped, not fatal."""
    engine = create_engine(f"sqlite:///{tmp_path / 'later' / 'jobs.sqlite3'}")
    session = scoped_session(sessionmaker(engine))
    passes: list[int] = []
    waits: list[float] = []

    def one_pass() -> None:
        passes.append(int(session.execute(text("SELECT 1")).scalar_one()))

    def wait(seconds: float) -> None:  # no real waiting: the loop's period is what is checked
        waits.append(seconds)
        if len(waits) == 1:
            (tmp_path / "later").mkdir()  # the database is back for the second pass
        if len(waits) == 3:
            raise Stopped

    monkeypatch.setattr(db_module.time, "sleep", wait)
    with pytest.raises(Stopped):
        repeat_job(session, 3600, one_pass, "BPF reminders")
    assert passes == [1, 1]  # the first pass met the outage
    assert waits == [3600, 3600, 3600]

    repeat_job(session, None, one_pass, "BPF reminders")  # without --every: one pass, no wait
    assert passes == [1, 1, 1] and len(waits) == 3
    session.remove()
    engine.dispose()
