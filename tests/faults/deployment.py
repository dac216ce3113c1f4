"""What the fault scenarios do to a running deployment: edit it from another process, count what it stored, fetch in parallel."""

import sqlite3
from concurrent.futures import ThreadPoolExecutor

import requests

from tests import processes


def database_file(env):
    return env["DATABASE_URL"].removeprefix("sqlite:///")


def count_rows(env, table):
    with sqlite3.connect(database_file(env)) as db:
        return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608


def run_as_editor(env, script):
    """Python run in a process of its own with the site's settings: an editor on another
    worker, or a cron job."""
    return processes.manage(env, "shell", "-c", script)


def fetch_all(url, times=8, parallel=4, **kwargs):
    """`times` GETs of `url`, `parallel` at a time (so that every worker serves some)."""
    with ThreadPoolExecutor(parallel) as pool:
        return list(
            pool.map(
                lambda _n: requests.get(url, timeout=30, allow_redirects=False, **kwargs),
                range(times),
            )
        )


def point_site_at(env, host_port):
    """The Wagtail site's address as visitors reach it (canonical links, purges' Host)."""
    host, port = host_port.rsplit(":", 1)
    run_as_editor(
        env,
        "from wagtail.models import Site; s = Site.objects.get(is_default_site=True); "
        f"s.hostname, s.port = {host!r}, {int(port)}; s.save()",
    )


class _FromAddress(requests.adapters.HTTPAdapter):
    def __init__(self, address):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def browser_at(address):
    """A browser (a requests session, with its cookies) on another machine: connections come
    from `address`, one of loopback's 127.0.0.0/8, so proxies see a client of its own."""
    session = requests.Session()
    session.mount("http://", _FromAddress(address))
    return session
