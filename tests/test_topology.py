"""scripts/topology.py, the one description of what runs: scripts/run starts exactly its processes, on loopback
only, after the steps in an order that works."""

import shlex

import pytest

from scripts import topology


def printed(capsys: pytest.CaptureFixture[str], *arguments: str) -> list[str]:
    assert topology.main(arguments) == 0
    return capsys.readouterr().out.splitlines()


def test_scripts_run_starts_each_process_once_on_loopback(capsys: pytest.CaptureFixture[str]) -> None:
    lines = [shlex.split(line) for line in printed(capsys, "local-commands")]
    assert [line[0] for line in lines] == ["exec"] * len(topology.PROCESSES)
    assert [line[1:] for line in lines] == [process.argv("127.0.0.1") for process in topology.PROCESSES]
    for process in topology.PROCESSES:
        if process.port is not None:
            assert f"127.0.0.1:{process.port}" in process.argv("127.0.0.1")


def test_the_local_environment_is_exported(capsys: pytest.CaptureFixture[str]) -> None:
    (line,) = printed(capsys, "local-env")
    assert shlex.split(line) == ["export", *(f"{name}={value}" for name, value in topology.LOCAL_ENV.items())]


def test_each_apps_demo_data_comes_after_its_migrations() -> None:
    commands = [step.command for step in topology.STEPS]
    for index, command in enumerate(commands):
        if command.endswith(" demo load"):
            app = command.split()[2]
            assert f"flask --app {app} db upgrade" in commands[:index]
    assert all(step.stage in {"migrate", "demo"} for step in topology.STEPS)


def test_process_names_are_unique() -> None:
    names = [process.name for process in topology.PROCESSES]
    assert len(names) == len(set(names))
