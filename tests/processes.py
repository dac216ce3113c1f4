"""Real servers on loopback for the tests that run the site as it is deployed.

Each starter returns a small handle and is used from a fixture that stops it.
Every address is 127.0.0.x; every wait is bounded.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
VARNISHADM = shutil.which("varnishadm") or "/usr/bin/varnishadm"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
REDIS_CLI = shutil.which("redis-cli") or "/usr/bin/redis-cli"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
PYTHON = sys.executable


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, seconds=20, what="server"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on {port} within {seconds}s")


def wait_for_http(url, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            return requests.get(url, timeout=10)
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    raise RuntimeError(f"nothing answered at {url}")


def stop(process, seconds=20):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@dataclass
class Varnish:
    url: str
    port: int
    purge_url: str
    workdir: Path
    process: subprocess.Popen
    tmp: Path

    def adm(self, *args):
        return subprocess.run(
            [VARNISHADM, "-n", str(self.workdir), *args], check=True, capture_output=True
        )

    def stop(self):
        stop(self.process)
        shutil.rmtree(self.tmp, ignore_errors=True)


def start_varnish(backend_port):
    """varnishd with the project's VCL, in front of the app at `backend_port`."""
    # varnishd reads the VCL as its own unprivileged user: a folder it may enter.
    tmp = Path(tempfile.mkdtemp(prefix="varnish-test-"))
    tmp.chmod(0o755)
    vcl = tmp / "site.vcl"
    source = (ROOT / "deploy" / "varnish.vcl").read_text()
    vcl.write_text(source.replace('.port = "8000";', f'.port = "{backend_port}";'))
    vcl.chmod(0o644)
    port, purge_port = free_port(), free_port()
    workdir = tmp / "varnish"
    process = subprocess.Popen(
        [VARNISHD, "-F", "-a", f"127.0.0.1:{port}", "-a", f"purge=127.0.0.1:{purge_port}"]
        + ["-f", str(vcl), "-n", str(workdir), "-s", "malloc,32m"]
        + ["-T", f"127.0.0.1:{free_port()}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(port, what="varnishd")
        wait_for_port(purge_port, what="varnishd's purge listener")
    except RuntimeError:
        process.kill()
        raise RuntimeError(
            "varnishd did not start: " + process.stderr.read().decode()[-2000:]
        ) from None
    # Varnish takes its backend as sick until the probe has passed: until then every
    # request is a 503. Ready means the app answers through it.
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                break
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            stop(process)
            raise RuntimeError("the backend never answered /healthz 200 through varnishd")
        time.sleep(0.2)
    return Varnish(
        f"http://127.0.0.1:{port}", port, f"http://127.0.0.1:{purge_port}", workdir, process, tmp
    )


@dataclass
class Redis:
    url: str
    port: int
    process: subprocess.Popen

    def cli(self, *args):
        return subprocess.run(
            [REDIS_CLI, "-p", str(self.port), *args], check=True, capture_output=True, timeout=10
        )

    def pause_writes(self, milliseconds):
        self.cli("CLIENT", "PAUSE", str(milliseconds), "WRITE")

    def stop(self):
        stop(self.process)


def start_redis(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(port), "--save", ""]
        + ["--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    wait_for_port(port, what="redis-server")
    return Redis(f"redis://127.0.0.1:{port}/0", port, process)


@dataclass
class Nginx:
    url: str
    port: int
    process: subprocess.Popen
    folder: Path

    def stop(self):
        stop(self.process)


def start_nginx(upstream_port, tmp_path):
    """nginx as the TLS proxy would be (without TLS): it appends the client to X-Forwarded-For."""
    folder = tmp_path / "nginx"
    folder.mkdir()
    port = free_port()
    (folder / "nginx.conf").write_text(
        f"""daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 256; }}
http {{
  access_log off;
  client_body_temp_path {folder}/body;
  proxy_temp_path {folder}/proxy;
  fastcgi_temp_path {folder}/fastcgi;
  uwsgi_temp_path {folder}/uwsgi;
  scgi_temp_path {folder}/scgi;
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://127.0.0.1:{upstream_port};
      proxy_set_header Host $host:$server_port;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
    }}
  }}
}}
"""
    )
    process = subprocess.Popen(
        [NGINX, "-c", str(folder / "nginx.conf"), "-p", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port, what="nginx")
    return Nginx(f"http://127.0.0.1:{port}", port, process, folder)


@dataclass
class Gunicorn:
    url: str
    port: int
    process: subprocess.Popen
    env: dict = field(default_factory=dict)

    def stop(self):
        stop(self.process)


def database_url_of(connection):
    """The URL another process uses to reach the test database `connection` is on."""
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def site_env(tmp_path, database_url, **overrides):
    """The environment `make serve` gives the app: debug off, plain HTTP on loopback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.pop("REDIS_URL", None)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SECRET_KEY="fault-suite-key-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE="0",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_LOG_LEVEL="WARNING",
        CACHE_DIR=str(tmp_path / "cache"),
        TASKS_BACKEND="immediate",
        PAGE_CACHE_SECONDS="600",
    )
    env.update({key: str(value) for key, value in overrides.items()})
    return env


def collectstatic(env):
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )


def start_gunicorn(env, workers=4):
    """The site as `make serve` runs it: gunicorn with the project's config, several workers."""
    port = free_port()
    process = subprocess.Popen(
        [GUNICORN, "config.wsgi:application", "--config", str(ROOT / "deploy" / "gunicorn.conf.py")]
        + ["--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "60"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(url + "/healthz")
    except RuntimeError:
        stop(process)
        raise
    return Gunicorn(url, port, process, env)


def manage(env, *args, timeout=120):
    """A management command in its own process, as cron runs it."""
    return subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=timeout,
        capture_output=True,
        text=True,
    )
