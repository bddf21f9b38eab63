"""compose.yaml runs what scripts/run runs (scripts/topology.py, the one description), with no secret written in it,
and nginx balances every instance of the provider. No Docker engine here: the file is read as data (its schema is
checked by scripts/test with check-jsonschema)."""

import re
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from scripts import topology

REPOSITORY = Path(__file__).resolve().parent.parent
COMPOSE = REPOSITORY / "compose.yaml"
NGINX = REPOSITORY / "deploy" / "nginx" / "nginx.conf"

SECRET_NAME = re.compile(r"SECRET|PASSWORD|TOKEN|_KEY")
REQUIRED_VARIABLE = re.compile(r"\$\{[A-Z][A-Z0-9_]*:\?[^}]*\}")  # ${NAME:?message}: compose refuses to start without
# ${NAME:-}: an optional secret, empty unless given (the relay's password: Mailpit needs none). Never a written value.
OPTIONAL_SECRET = re.compile(r"\$\{(?P<name>[A-Z][A-Z0-9_]*):-\}")
OPTIONAL_SECRETS = {"MAIL_PASSWORD"}
URL_PASSWORD = re.compile(r"://[^:/@]+:(?P<password>[^@]*)@")


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    return YAML(typ="safe").load(COMPOSE.read_text(encoding="utf-8"))["services"]


def running(services: dict[str, Any], process: str) -> dict[str, Any]:
    return {name: service for name, service in services.items() if service.get("x-process") == process}


IN_COMPOSE = [found for found in topology.PROCESSES if not found.local_only]


@pytest.mark.parametrize("process", IN_COMPOSE, ids=[found.name for found in IN_COMPOSE])
def test_each_process_runs_in_compose_as_scripts_run_starts_it(
    services: dict[str, Any], process: topology.Process
) -> None:
    instances = running(services, process.name)
    assert len(instances) == process.instances
    for service in instances.values():
        assert service["command"] == process.argv("0.0.0.0")  # noqa: S104  (a container listens on its own interfaces)
        assert sorted(service["environment"]) == sorted(process.env)
        assert service["build"] == "."  # the project's one image


def test_every_project_container_is_a_process_or_a_setup_stage(services: dict[str, Any]) -> None:
    names = {process.name for process in topology.PROCESSES}
    for name, service in services.items():
        if "build" in service:
            assert service.get("x-process") in names or service.get("x-stage"), name


def test_the_setup_container_runs_the_migration_steps_with_what_every_step_reads(services: dict[str, Any]) -> None:
    """Every step's variables, not only the migrations': the demo stage is run in the same container on demand."""
    (setup,) = [service for service in services.values() if service.get("x-stage")]
    assert setup["command"] == ["python", "scripts/topology.py", "setup", "--stage", setup["x-stage"]]
    assert sorted(setup["environment"]) == sorted(topology.stage_env())
    for service in services.values():
        if "x-process" in service:
            assert service["depends_on"]["setup"] == {"condition": "service_completed_successfully"}
            assert service["depends_on"]["postgres"] == {"condition": "service_healthy"}


def test_no_secret_has_a_value_written_in_compose(services: dict[str, Any]) -> None:
    for name, service in services.items():
        for variable, value in service.get("environment", {}).items():
            if SECRET_NAME.search(variable):
                optional = OPTIONAL_SECRET.fullmatch(str(value))
                if variable in OPTIONAL_SECRETS and optional and optional["name"] == variable:
                    continue
                assert REQUIRED_VARIABLE.fullmatch(str(value)), f"{name}: {variable}"
            password = URL_PASSWORD.search(str(value))
            if password:
                assert REQUIRED_VARIABLE.fullmatch(password["password"]), f"{name}: {variable}"


def test_each_web_process_is_checked_on_healthz(services: dict[str, Any]) -> None:
    for process in topology.PROCESSES:
        if process.port is None or process.local_only:
            continue
        for service in running(services, process.name).values():
            assert f"127.0.0.1:{process.port}/healthz" in " ".join(service["healthcheck"]["test"])


def test_each_web_process_adds_up_its_workers_metrics_in_a_folder_emptied_at_each_start(
    services: dict[str, Any],
) -> None:
    web = {
        name: service
        for name, service in services.items()
        if "PROMETHEUS_MULTIPROC_DIR" in service.get("environment", {})
    }
    assert set(web) == {"idp-1", "idp-2", "soffi", "sofi", "bpf"}
    for service in web.values():  # a restarted container keeps its files, not a tmpfs
        assert service["environment"]["PROMETHEUS_MULTIPROC_DIR"] in service["tmpfs"]


def test_nginx_balances_every_instance_of_the_provider(services: dict[str, Any]) -> None:
    upstream = re.search(r"upstream idp \{(?P<body>[^}]*)\}", NGINX.read_text(encoding="utf-8"))
    assert upstream is not None
    servers = set(re.findall(r"^\s*server\s+([\w.-]+:\d+)", upstream["body"], re.MULTILINE))
    instances = running(services, "idp")
    assert servers == {f"{name}:{topology.process('idp').port}" for name in instances}
    assert len(servers) == 2
    assert "./deploy/nginx/nginx.conf:/etc/nginx/nginx.conf:ro" in services["nginx"]["volumes"]
    assert {name: {"condition": "service_healthy"} for name in instances} == services["nginx"]["depends_on"]


def test_soffi_keeps_its_attachments_in_a_volume_every_container_of_it_shares(services: dict[str, Any]) -> None:
    """A file written by the web app (an upload) or the demo (the setup container) is found by the next container."""
    writers = {name: service for name, service in services.items() if name in ("soffi", "setup")}
    for name, service in writers.items():
        folder = service["environment"]["SOFFI_ATTACHMENTS_FOLDER"]
        assert f"soffi-attachments:{folder}" in service.get("volumes", []), name
    assert "soffi-attachments" in YAML(typ="safe").load(COMPOSE.read_text(encoding="utf-8"))["volumes"]


def test_the_public_list_written_by_a_job_is_served_from_the_volume_of_the_web_app(services: dict[str, Any]) -> None:
    """The nightly job and the demo (setup) write the file the web app serves: one volume, mounted where
    BPF_PUBLIC_FOLDER says, in each of them; without it the web app would answer 404 for ever."""
    for name in ("bpf", "bpf-public-list", "setup"):
        folder = services[name]["environment"]["BPF_PUBLIC_FOLDER"]
        assert f"bpf-public:{folder}" in services[name].get("volumes", []), name
    assert "bpf-public" in YAML(typ="safe").load(COMPOSE.read_text(encoding="utf-8"))["volumes"]
