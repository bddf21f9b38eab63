"""scripts/production-like runs scripts/topology.py's processes on this machine: each with its own port, the variables
topology.py says it reads and no other, and nginx configured from deploy/nginx/nginx.conf (no server is started here:
the topology itself is exercised by bench/faults.py)."""

from pathlib import Path

from scripts import topology
from scripts.production_like.layout import Layout, Ports, app_of, instances, relocate
from scripts.production_like.servers import nginx_config


def layout(tmp_path: Path) -> Layout:
    return Layout(tmp_path, Ports(18080))


def test_the_provider_runs_twice_and_every_other_process_once() -> None:
    names = [name for name, _ in instances()]
    assert names.count("idp-1") == names.count("idp-2") == 1 and "idp" not in names
    assert len(names) == len(topology.PROCESSES) + 1


def test_every_process_listens_on_its_own_loopback_port() -> None:
    ports = Ports(18080)
    bound = []
    for name, process in instances():
        argv = relocate(process.argv("127.0.0.1"), ports.of(name))
        bound += [word for word in argv if word.startswith("127.0.0.1:")]
        if name == "mail-catcher":
            assert argv[argv.index("--smtp") + 1] == str(ports.smtp)
    assert len(bound) == len(set(bound)) and all(int(word.split(":")[1]) > 18080 for word in bound)


def test_a_process_gets_the_variables_it_reads_and_its_apps_secret_key(tmp_path: Path) -> None:
    place = layout(tmp_path)
    for name, process in instances():
        argv = relocate(process.argv("127.0.0.1"), place.ports.of(name))
        given = place.environment(argv, process.env)
        assert set(given) - {"PATH", "HOME", "LANG", "LC_ALL", "TZ", "VIRTUAL_ENV"} <= set(process.env)
        if app_of(argv):
            assert given["SECRET_KEY"] == place.secrets()[f"{app_of(argv).removeprefix('rp_').upper()}_SECRET_KEY"]
    assert (tmp_path / "secrets.json").stat().st_mode & 0o777 == 0o600


def test_each_web_process_adds_up_its_workers_metrics_in_a_fresh_folder_of_its_own(tmp_path: Path) -> None:
    place, folders = layout(tmp_path), set()
    for name, process in instances():
        argv = relocate(process.argv("127.0.0.1"), place.ports.of(name))
        stale = tmp_path / "prometheus" / name / "counter_1234.db"
        stale.parent.mkdir(parents=True, exist_ok=True)
        stale.write_bytes(b"values of the previous run")
        given = place.environment(argv, process.env, name)
        if "PROMETHEUS_MULTIPROC_DIR" in process.env:  # the web apps under gunicorn, as compose.yaml runs them
            folder = Path(given["PROMETHEUS_MULTIPROC_DIR"])
            assert folder == tmp_path / "prometheus" / name and not any(folder.iterdir())
            folders.add(folder)
        else:
            assert "PROMETHEUS_MULTIPROC_DIR" not in given
    assert len(folders) == 5  # two provider instances and the three services


def test_nginx_balances_the_two_local_instances_as_deploy_says(tmp_path: Path) -> None:
    config = nginx_config(layout(tmp_path))
    assert "listen 127.0.0.1:18080;" in config
    assert "server 127.0.0.1:18081 max_fails=2" in config and "server 127.0.0.1:18082 max_fails=2" in config
    assert "idp-1" not in config and f"pid {tmp_path}/run/nginx.pid;" in config
    deployed = (Path(__file__).parents[1] / "deploy" / "nginx" / "nginx.conf").read_text()
    assert "proxy_next_upstream error timeout;" in deployed and deployed.count("location") == 3
    errors = Path(__file__).parents[1] / "deploy" / "nginx" / "errors"
    assert f"root {errors};" in config  # nginx's own 502/504 page, in French, when no instance answers
    assert "Service momentanément indisponible" in (errors / "indisponible.html").read_text()
    assert config.count("location") == 3 and "proxy_next_upstream error timeout;" in config
    # Load shedding: a cap on the requests under way, answered with nginx's French 503 page (error_page above).
    for text in (deployed, config):
        assert "limit_conn_zone $server_port zone=provider:1m;" in text
        assert "limit_conn provider 16;" in text and "limit_conn_status 503;" in text
        assert "error_page 502 503 504 /indisponible.html;" in text
