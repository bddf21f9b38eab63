"""The odd-input walk: the suite's apps and their data builders, Hypothesis kept off the disk, and the summary
line « odd input: N routes × M requests, K server errors » at the end of the run."""

import os
import shutil
import tempfile

import pytest

# Hypothesis keeps caches under .hypothesis/ in the working directory: a throwaway folder instead, removed at
# the end (read lazily, so setting it before the first test is enough).
_STORAGE = tempfile.mkdtemp(prefix="odd-input-hypothesis-")
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", _STORAGE)

from tests.idp.conftest import app, client, manager, soffi  # noqa: E402, F401  (the IdP as its own tests build it)
from tests.rp_bpf.conftest import bpf, bpf_app  # noqa: E402, F401  (Mon Activité Formation likewise)
from tests.rp_soffi.conftest import attachments_folder, soffi_app  # noqa: E402, F401  (SOFFi too)
from tests.rp_sofi.conftest import log_in, sofi, sofi_app  # noqa: E402, F401  (SOFI likewise)
from tests.security.walker import TALLY  # noqa: E402


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not TALLY.requests:
        return
    routes = sum(len(keys) for keys in TALLY.exercised.values())
    apps = ", ".join(f"{name} {len(keys)}" for name, keys in sorted(TALLY.exercised.items()))
    terminalreporter.write_sep("-", "odd input")
    requests = f"{TALLY.requests:,}".replace(",", "\u202f")
    terminalreporter.write_line(
        f"odd input: {routes} routes ({apps}) × {requests} requests, {len(TALLY.errors)} server errors"
    )


def pytest_sessionfinish() -> None:
    shutil.rmtree(_STORAGE, ignore_errors=True)
