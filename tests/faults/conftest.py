"""The site in the shapes docs/deploy.md recommends, as real processes on loopback.

Each scenario runs `make serve`'s gunicorn (debug off, several workers) on a
copy of one demo database built once per run (SQLite, as the embedded default
serves it), with Redis, Varnish and nginx in front where a scenario names
them. Changes are made from other processes, as an editor on another worker
or a cron job would make them. Nothing here uses the test database.
"""

import shutil

import pytest

from tests import processes

REQUIRED = {
    "varnishd": processes.VARNISHD,
    "redis-server": processes.REDIS_SERVER,
    "nginx": processes.NGINX,
}


def pytest_collection_modifyitems(config, items):
    missing = [name for name, path in REQUIRED.items() if not shutil.which(path)]
    for item in items:
        if "faults" in str(item.fspath) and missing:
            item.add_marker(pytest.mark.skip(reason=f"needs {', '.join(missing)}"))


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory):
    """A migrated database with the demo content and collected static files, built once."""
    folder = tmp_path_factory.mktemp("demo-site")
    env = processes.site_env(folder, f"sqlite:///{folder / 'db.sqlite3'}", DJANGO_DEBUG="1")
    processes.manage(env, "migrate", "--no-input", "-v0", timeout=600)
    processes.manage(env, "load_demo", "--if-empty", timeout=600)
    # With debug off, as served: hashed names and their manifest.
    processes.collectstatic(processes.site_env(folder, env["DATABASE_URL"]))
    return folder


@pytest.fixture
def site_env(demo_database, tmp_path):
    """The environment of one deployment: its own copy of the demo database and cache folder."""
    shutil.copy(demo_database / "db.sqlite3", tmp_path / "db.sqlite3")
    env = processes.site_env(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}")
    env["DJANGO_STATIC_ROOT"] = str(demo_database / "static")
    return env


@pytest.fixture
def redis(tmp_path):
    started = processes.start_redis(tmp_path)
    yield started
    started.stop()


@pytest.fixture
def serve():
    started = []

    def start(env, workers=4):
        node = processes.start_gunicorn(env, workers=workers)
        started.append(node)
        return node

    yield start
    for node in started:
        node.stop()


@pytest.fixture
def varnish_in_front():
    started = []

    def start(backend_port):
        front = processes.start_varnish(backend_port)
        started.append(front)
        return front

    yield start
    for front in started:
        front.stop()


@pytest.fixture
def nginx_in_front(tmp_path):
    started = []

    def start(upstream_port):
        front = processes.start_nginx(upstream_port, tmp_path)
        started.append(front)
        return front

    yield start
    for front in started:
        front.stop()
