"""`make check-site`: build a throwaway demo site, serve it production-like, run the gates.

    python -m checks.site_gate [--only html,axe,focus,lighthouse,wapiti,links,budgets]

Builds a SQLite database in a temporary directory (migrate, load_demo,
collectstatic), starts gunicorn on a free loopback port with debug off, finds
one live page of every page type in the tree plus the fixed extras (search,
the form with errors, the thank-you page, a 404), runs every gate, prints a
table, writes JSON under reports/, stops everything it started and exits
non-zero if any gate failed. A tool that cannot run is a failure, not a skip.
"""

import argparse
import atexit
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

import requests

from checks import discovery, reports
from checks.browser import CHROMIUM, CHROMIUM_ARGS, axe_blocking_violations

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
REPORTS = ROOT / "reports"
TOOLS = ROOT / ".tools"
LIGHTHOUSE = TOOLS / "node_modules" / ".bin" / "lighthouse"
VNU_JAR = TOOLS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
WAPITI = ROOT / ".venv-scan" / "bin" / "wapiti"
ALLOWLIST = ROOT / "checks" / "wapiti-allowlist.toml"
WIDTHS = (360, 1280)
LH_COLUMN = "lighthouse a11y bp seo [perf]"
GATES = ("html", "axe", "focus", "lighthouse", "wapiti", "links", "budgets")
LIGHTHOUSE_RUNS_FOR_PERFORMANCE = 3
MIN_FILL_WAIT = 3.5  # the form sets aside posts sent faster than APPOINTMENT_MIN_FILL_SECONDS

_children = []  # processes to stop on any exit
_tempdirs = []


def log(message):
    print(f"[check-site {time.strftime('%H:%M:%S', time.gmtime())}Z] {message}", flush=True)


# -- cleanup -------------------------------------------------------------------------


def stop_children():
    while _children:
        proc = _children.pop()
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    while _tempdirs:
        shutil.rmtree(_tempdirs.pop(), ignore_errors=True)


def _on_signal(signum, _frame):
    raise SystemExit(128 + signum)


def start(cmd, **kwargs):
    """A child process in its own process group, stopped on exit whatever happens."""
    proc = subprocess.Popen(cmd, start_new_session=True, **kwargs)  # noqa: S603
    _children.append(proc)
    return proc


def run(cmd, timeout, **kwargs):
    """Run to completion in its own process group; kill the whole group on timeout."""
    proc = start(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        err += f"\n[timed out after {timeout} s]"
    finally:
        if proc in _children:
            _children.remove(proc)
    return proc.returncode, out, err


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- the throwaway site ----------------------------------------------------------------


def site_env(tmp):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_SECURE="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SERVE_MEDIA="1",
        DJANGO_STATIC_ROOT=str(tmp / "static"),
        DJANGO_MEDIA_ROOT=str(tmp / "media"),
        DJANGO_LOG_LEVEL="WARNING",
        # The scanner posts the form hundreds of times from one address. With the
        # production limit it would mostly see the 429 page (each gunicorn worker
        # has its own local-memory count, so 200 and 429 would alternate: a false
        # signal to its blind SQL check). Out of reach here; the limiter still runs
        # on every post, the prod-settings gate checks the real default, and the
        # unit tests check the 429 itself.
        APPOINTMENT_RATE_LIMIT="100000",
    )
    env.pop("REDIS_URL", None)  # local-memory cache: nothing shared with other runs
    return env


def build_site(env):
    for args, timeout in (
        (["migrate", "--no-input"], 300),
        (["load_demo"], 300),
        # With debug off, search and reference indexing are background tasks:
        # run the worker once, as production's worker would.
        (["db_worker", "--batch", "--no-startup-delay", "--queue-name", "*"], 300),
        (["collectstatic", "--no-input"], 120),
    ):
        code, out, err = run([PYTHON, "manage.py", *args], timeout, cwd=ROOT, env=env)
        if code != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{out[-3000:]}\n{err[-3000:]}")


PROD_SETTINGS_PROBE = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({name: getattr(s, name) for name in (
    "DEBUG", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY", "SECURE_HSTS_SECONDS", "SECURE_CONTENT_TYPE_NOSNIFF",
    "APPOINTMENT_RATE_LIMIT")}))
"""


def production_settings_failures(env):
    """What the plain-HTTP gate server turns off must be on in production settings."""
    gate_only = ("DJANGO_SECURE", "DJANGO_SERVE_MEDIA", "APPOINTMENT_RATE_LIMIT")
    prod = {k: v for k, v in env.items() if k not in gate_only}
    prod["DJANGO_SETTINGS_MODULE"] = "config.settings"
    code, out, err = run([PYTHON, "-c", PROD_SETTINGS_PROBE], 60, cwd=ROOT, env=prod)
    if code != 0:
        return [f"could not read production settings: {err.strip()[-300:]}"]
    values = json.loads(out.strip().splitlines()[-1])
    failures = [
        f"{name} is {value!r} with debug off"
        for name, value in values.items()
        if name != "DEBUG" and not value
    ]
    if values["DEBUG"]:
        failures.append("DEBUG is on with DJANGO_DEBUG=0")
    return failures


def start_server(env, port, log_path):
    log_file = open(log_path, "w")  # noqa: SIM115 - closed with the process
    proc = start(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}; see {log_path}")
        try:
            requests.get(base + "/", timeout=2)
            return base
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 30 s")


def discover(env, base):
    """Page types from the throwaway database (read in this process with the site's settings)."""
    os.environ.update(
        {k: env[k] for k in ("DATABASE_URL", "DJANGO_DEBUG", "DJANGO_SECRET_KEY", "DJANGO_SECURE")}
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connections

    try:
        pages = discovery.discover_pages()
        translated = discovery.discover_translated_pages()
    finally:
        connections.close_all()
    search_available = requests.get(base + "/search/", timeout=30).status_code == 200
    return pages, discovery.build_targets(pages, search_available, translated=translated)


# -- results --------------------------------------------------------------------------


class Results:
    def __init__(self):
        self.cells = {}  # (target name, column) -> short text
        self.failures = {}  # (target name, column) -> [details]
        self.notes = []

    def record(self, target, column, failures, text=None):
        self.failures[(target, column)] = list(failures)
        self.cells[(target, column)] = (
            text if text is not None else ("FAIL" if failures else "pass")
        )

    @property
    def failed(self):
        return any(self.failures.values())


def print_table(results, targets, columns):
    rows = [["page", *columns]]
    for target in [t.name for t in targets] + ["(site)"]:
        row = [target] + [results.cells.get((target, c), "-") for c in columns]
        if any(cell != "-" for cell in row[1:]):
            rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    print("\n".join(lines), flush=True)


# -- fetching ----------------------------------------------------------------------------


def fetch_targets(base, targets, html_dir):
    """GET (or POST-empty) every target; save the HTML; return {name: (status, bytes, failures)}."""
    fetched = {}
    for target in targets:
        url = base + target.path
        session = requests.Session()
        try:
            if target.method == "POST-EMPTY":
                session.get(url, timeout=30)
                token = session.cookies.get("csrftoken", "")
                response = session.post(
                    url,
                    data={"csrfmiddlewaretoken": token},
                    headers={"Referer": url},
                    timeout=30,
                    allow_redirects=False,
                )
            else:
                response = session.get(url, timeout=30, allow_redirects=False)
        except requests.RequestException as error:
            fetched[target.name] = (None, b"", [f"request failed: {error}"])
            continue
        problems = []
        if response.status_code != target.expect_status:
            problems.append(f"status {response.status_code}, expected {target.expect_status}")
        if target.expect_link and not reports.main_links_to(response.text, target.expect_link):
            problems.append(f"the search did not list {target.expect_link}")
        (html_dir / f"{target.name}.html").write_bytes(response.content)
        fetched[target.name] = (response.status_code, response.content, problems)
    return fetched


# -- gates -------------------------------------------------------------------------------


def gate_html(results, targets, html_dir, fetched):
    if not VNU_JAR.exists() or not shutil.which("java"):
        for t in targets:
            results.record(t.name, "html", [f"vnu.jar ({VNU_JAR}) or java missing"])
        return
    files = [str(html_dir / f"{t.name}.html") for t in targets if fetched[t.name][1]]
    code, _out, err = run(
        ["java", "-Xss4m", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", *files],
        timeout=180,
    )
    try:
        errors = reports.parse_vnu(err)
    except json.JSONDecodeError:
        for t in targets:
            results.record(t.name, "html", [f"vnu did not produce JSON (exit {code}): {err[:500]}"])
        return
    by_name = {Path(urlsplit(url).path).stem: msgs for url, msgs in errors.items()}
    for t in targets:
        if not fetched[t.name][1]:
            results.record(t.name, "html", ["no HTML fetched"])
        else:
            results.record(t.name, "html", by_name.get(t.name, []))


def gate_links_and_budgets(results, targets, base, fetched, run_links, run_budgets):
    status_cache = {}
    asset_size = {}

    def final_status(url):
        if url not in status_cache:
            try:
                response = requests.get(url, timeout=30, allow_redirects=True)
                status_cache[url] = response.status_code
                asset_size[url] = len(response.content)
            except requests.RequestException as error:
                status_cache[url] = f"error {error.__class__.__name__}"
        return status_cache[url]

    for t in targets:
        status, body, problems = fetched[t.name]
        html = body.decode("utf-8", "replace")
        page_url = base + t.path
        resources = reports.resource_urls(html, page_url) if body else {}
        if run_links:
            failures = list(problems)
            links = reports.internal_links(html, page_url)
            for url in reports.admin_links(links):
                failures.append(f"links to the admin for anonymous visitors: {url}")
            own = [
                u
                for kind in ("script", "stylesheet", "link", "img", "iframe")
                for u in resources.get(kind, [])
                if reports.same_origin(u, base)
            ]
            for url in links + own:
                code = final_status(url)
                if code != 200:
                    failures.append(f"{url} -> {code}")
            results.record(t.name, "links", failures, f"{len(links)} ok" if not failures else None)
        if run_budgets:
            failures = reports.html_budget_failures(html, page_url, size=len(body)) if body else []
            css = sum(
                asset_size.get(u, 0)
                for u in resources.get("stylesheet", [])
                if final_status(u) == 200 and reports.same_origin(u, base)
            )
            js = sum(
                asset_size.get(u, 0)
                for u in resources.get("script", [])
                if final_status(u) == 200 and reports.same_origin(u, base)
            )
            failures += reports.asset_budget_failures(css, js)
            results.record(
                t.name,
                "budgets",
                failures,
                None if failures else f"{len(body) // 1024}/{css // 1024}/{js // 1024}K",
            )


FOCUS_PROBE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  window.__focusSeen = window.__focusSeen || new WeakSet();
  if (window.__focusSeen.has(el)) return {repeat: true};
  window.__focusSeen.add(el);
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  const shadow = s.boxShadow && s.boxShadow !== 'none';
  const r = el.getBoundingClientRect();
  let desc = el.tagName.toLowerCase();
  if (el.id) desc += '#' + el.id;
  else if (el.className && typeof el.className === 'string' && el.className.trim())
    desc += '.' + el.className.trim().split(/\\s+/).join('.');
  const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 40);
  return {desc: desc + (text ? ` "${text}"` : ''), visible: outline || shadow,
          sized: r.width > 0 && r.height > 0};
}"""


def focus_failures(page, max_tabs=400):
    """Tab through the page; every focused element must show an outline or a box-shadow."""
    failures = []
    count = 0
    page.evaluate(
        "() => { window.__focusSeen = new WeakSet();"
        " document.activeElement && document.activeElement.blur(); }"
    )
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        info = page.evaluate(FOCUS_PROBE)
        if info is None:
            if count:
                break  # focus left the document: the cycle is complete
            continue
        if info.get("repeat"):
            break
        count += 1
        if not info["visible"]:
            failures.append(f"no visible focus indicator on {info['desc']}")
        if not info["sized"]:
            failures.append(f"focusable but not displayed: {info['desc']}")
    else:
        failures.append(f"still finding new focusable elements after {max_tabs} tabs")
    return failures, count


def fill_form_validly(page):
    """Fill every required field of the page's main form with plausible answers."""
    return page.evaluate(
        """() => {
      const form = document.querySelector('main form[method="post"]');
      if (!form) return false;
      form.noValidate = true;
      const done = new Set();
      for (const el of form.elements) {
        if (!el.name || el.type === 'hidden' || el.closest('[hidden], [aria-hidden="true"]')) continue;
        if (el.offsetParent === null && el.type !== 'radio' && el.type !== 'checkbox') continue;
        if (el.type === 'radio') { if (!done.has(el.name)) { el.checked = true; done.add(el.name); } continue; }
        if (el.type === 'checkbox') { if (el.required || /consent|agree/i.test(el.name)) el.checked = true; continue; }
        if (el.tagName === 'SELECT') { if (!el.value && el.options.length > 1) el.selectedIndex = 1; continue; }
        if (el.tagName === 'BUTTON' || el.value) continue;
        if (!el.required && !/name|phone|email/i.test(el.name)) continue;
        if (el.type === 'email' || /email/i.test(el.name)) el.value = 'pat.example@example.com';
        else if (el.type === 'tel' || /phone/i.test(el.name)) el.value = '(203) 555-0142';
        else el.value = 'Casey';
      }
      return true;
    }"""
    )


def submit_main_form(page):
    """Send the page's main form as a patient would (browser validation off)."""
    page.evaluate(
        "() => { document.querySelector('main form[method=\"post\"]').noValidate = true; }"
    )
    with page.expect_navigation(wait_until="load"):
        page.locator('main form[method="post"] [type="submit"]').first.click()


def browser():
    from playwright.sync_api import sync_playwright

    manager = sync_playwright()
    pw = manager.start()
    chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    return manager, pw, chromium


def reach_thanks(chromium, base, form):
    """Submit the form validly in a real browser; the thank-you page's path, or None and why."""
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto(base + form)
        time.sleep(MIN_FILL_WAIT)
        if not fill_form_validly(page):
            return None, "no form on the request page"
        submit_main_form(page)
        path = urlsplit(page.url)
        if path.path.rstrip("/") == form.rstrip("/"):
            return None, "a valid submission did not leave the form page"
        return path.path + (f"?{path.query}" if path.query else ""), None
    finally:
        context.close()


def note_third_party(host, found, request):
    parts = urlsplit(request.url)
    if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != host:
        found.append(request.url)


def gate_browser(results, targets, base, chromium, run_axe, run_focus):
    host = urlsplit(base).netloc
    for t in targets:
        third_party = []
        for width in WIDTHS:
            context = chromium.new_context(viewport={"width": width, "height": 900})
            try:
                page = context.new_page()
                page.on("request", partial(note_third_party, host, third_party))
                page.goto(base + t.path, wait_until="load")
                if t.method == "POST-EMPTY":
                    submit_main_form(page)
                if run_axe:
                    try:
                        failures = axe_blocking_violations(page)
                    except Exception as error:  # noqa: BLE001 - the gate fails, with the reason
                        failures = [f"axe could not run: {error}"]
                    results.record(t.name, f"axe-{width}", failures)
                if run_focus and width == 1280:
                    failures, count = focus_failures(page)
                    results.record(t.name, "focus", failures, None if failures else f"{count} ok")
            finally:
                context.close()
        if third_party:
            key = (t.name, "budgets")
            results.failures.setdefault(key, [])
            results.failures[key] += [f"browser requested third-party {u}" for u in third_party]
            results.cells[key] = "FAIL"


def run_lighthouse(url, out_path, performance=True, timeout=150):
    categories = "accessibility,best-practices,seo" + (",performance" if performance else "")
    cmd = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out_path}",
        f"--only-categories={categories}",
        f"--chrome-flags={' '.join(CHROMIUM_ARGS)}",
    ]
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    for _attempt in range(2):  # one retry on NO_NAVSTART and other runtime errors
        out_path.unlink(missing_ok=True)
        code, _out, err = run(cmd, timeout, env=env)
        report = None
        if out_path.exists():
            try:
                report = json.loads(out_path.read_text())
            except json.JSONDecodeError:
                report = None
        if report and not reports.lighthouse_runtime_error(report):
            return report, None
        why = (reports.lighthouse_runtime_error(report) if report else None) or (
            f"exit {code}: {err.strip()[-300:]}"
        )
    return report, why


def lighthouse_page(target, base, out_dir):
    runs = LIGHTHOUSE_RUNS_FOR_PERFORMANCE if target.performance else 1
    page_reports, errors = [], []
    for n in range(1, runs + 1):
        report, why = run_lighthouse(
            base + target.path, out_dir / f"{target.name}-{n}.json", target.performance
        )
        page_reports.append(report)
        if why:
            errors.append(f"run {n}: {why}")
    return page_reports, errors


def record_lighthouse(results, target, page_reports, errors, html, summary):
    failures = reports.lighthouse_failures(
        page_reports, performance=target.performance, noindex_ok=target.noindex_ok
    )
    if target.noindex_ok and not reports.has_noindex(html):
        failures.append("expected <meta name=robots content=noindex> on this page")
    scores = [reports.lighthouse_scores(r) for r in page_reports if r]
    summary[target.name] = {"runs": scores, "errors": errors}

    def fmt(cat):
        values = [s.get(cat) for s in scores]
        return "/".join("?" if v is None else str(v) for v in values) or "?"

    seo = fmt("seo") + ("(noindex)" if target.noindex_ok else "")
    text = " ".join(
        [fmt("accessibility"), fmt("best-practices"), seo]
        + ([f"p{fmt('performance')}"] if target.performance else [])
    )
    results.record(target.name, LH_COLUMN, failures, ("FAIL " if failures else "") + text)


def gate_lighthouse(results, targets, base, summary, fetched, performance):
    """Lighthouse on the targets with (performance=True) or without a performance score.

    Pages without a performance threshold run two at a time (their scores do
    not depend on timing); the performance pages run one at a time, three
    times each, once the scanner has finished.
    """
    out_dir = REPORTS / "lighthouse"
    out_dir.mkdir(parents=True, exist_ok=True)
    chosen = [t for t in targets if t.lighthouse and t.performance == performance]
    if not LIGHTHOUSE.exists():
        for t in chosen:
            results.record(t.name, LH_COLUMN, [f"{LIGHTHOUSE} missing: run `make check-tools`"])
        return
    with ThreadPoolExecutor(max_workers=1 if performance else 2) as pool:
        futures = {t.name: pool.submit(lighthouse_page, t, base, out_dir) for t in chosen}
    for t in chosen:
        page_reports, errors = futures[t.name].result()
        html = fetched[t.name][1].decode("utf-8", "replace")
        record_lighthouse(results, t, page_reports, errors, html, summary)


# wapiti's own limits: the crawl, then each module's attacks. It stops itself at these
# (loosely: a module stops at its next await), so the gate waits that long from the
# scan's start, plus the report, before calling it hung; never a fixed wait after the
# other gates, whose length depends on the machine.
WAPITI_MODULES = (
    "xss",
    "sql",
    "exec",
    "file",
    "redirect",
    "crlf",
    "http_headers",
    "csp",
    "cookieflags",
)
WAPITI_CRAWL_SECONDS = 240
WAPITI_ATTACK_SECONDS = 45
WAPITI_SLACK_SECONDS = 300
WAPITI_DEADLINE_SECONDS = (
    WAPITI_CRAWL_SECONDS + len(WAPITI_MODULES) * WAPITI_ATTACK_SECONDS + WAPITI_SLACK_SECONDS
)


def start_wapiti(base, out_path):
    if not WAPITI.exists():
        return None
    cmd = [
        str(WAPITI),
        "-u",
        base + "/",
        "--scope",
        "folder",
        "-m",
        ",".join(WAPITI_MODULES),
        "--flush-session",
        "--max-scan-time",
        str(WAPITI_CRAWL_SECONDS),
        "--max-attack-time",
        str(WAPITI_ATTACK_SECONDS),
        "--timeout",
        "10",
        "--dns-endpoint",
        "localhost",
        "-f",
        "json",
        "-o",
        str(out_path),
        "--no-bugreport",
    ]
    log_file = open(out_path.with_suffix(".log"), "w")  # noqa: SIM115 - closed with the process
    proc = start(cmd, stdout=log_file, stderr=subprocess.STDOUT, cwd=ROOT)
    proc.started_at = time.monotonic()
    return proc


def _log_tail(path, lines=8):
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return " | ".join(line.strip() for line in text.splitlines()[-lines:] if line.strip())


def finish_wapiti(results, proc, out_path):
    if proc is None:
        results.record("(site)", "wapiti", [f"{WAPITI} missing: run `make check-tools`"])
        return
    remaining = WAPITI_DEADLINE_SECONDS - (time.monotonic() - proc.started_at)
    try:
        proc.wait(timeout=max(remaining, 1))
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        results.notes.append(
            f"wapiti still running {WAPITI_DEADLINE_SECONDS} s after it started (its own limits:"
            f" crawl {WAPITI_CRAWL_SECONDS} s, {WAPITI_ATTACK_SECONDS} s per module); stopped"
        )
    if proc in _children:
        _children.remove(proc)
    elapsed = time.monotonic() - proc.started_at
    if not out_path.exists():
        log_path = out_path.with_suffix(".log")
        results.record(
            "(site)",
            "wapiti",
            [
                f"wapiti wrote no report (exit {proc.returncode}, after {elapsed:.0f} s);"
                f" last lines of {log_path.name}: {_log_tail(log_path)}"
            ],
        )
        return
    results.notes.append(f"wapiti took {elapsed:.0f} s")
    report = json.loads(out_path.read_text())
    try:
        entries = reports.load_allowlist(ALLOWLIST)
    except (OSError, ValueError) as error:
        results.record("(site)", "wapiti", [f"allow-list unreadable: {error}"])
        return
    failures, allowed = reports.wapiti_failures(report, entries)
    crawled = report.get("infos", {}).get("crawled_pages_nbr")
    results.notes += [f"wapiti allowed: {line}" for line in allowed]
    results.record(
        "(site)",
        "wapiti",
        failures,
        f"FAIL ({len(failures)})" if failures else f"pass ({len(allowed)} allowed)",
    )
    if crawled:
        results.notes.append(f"wapiti crawled {crawled} pages")


# -- main ---------------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(GATES), help="comma-separated gates to run")
    parser.add_argument("--keep", action="store_true", help="keep the temp site directory")
    args = parser.parse_args(argv)
    only = set(args.only.split(","))
    unknown = only - set(GATES)
    if unknown:
        parser.error(f"unknown gates: {', '.join(sorted(unknown))}")

    atexit.register(stop_children)
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, _on_signal)

    started = time.monotonic()
    REPORTS.mkdir(exist_ok=True)
    html_dir = REPORTS / "html"
    shutil.rmtree(html_dir, ignore_errors=True)
    shutil.rmtree(REPORTS / "lighthouse", ignore_errors=True)
    html_dir.mkdir(parents=True)
    results = Results()
    targets = []
    summary = {"lighthouse": {}}
    try:
        tmp = Path(tempfile.mkdtemp(prefix="check-site."))
        if not args.keep:
            _tempdirs.append(tmp)
        env = site_env(tmp)
        log(f"building the demo site in {tmp}")
        build_site(env)
        results.record("(site)", "prod-settings", production_settings_failures(env))
        base = start_server(env, free_port(), REPORTS / "gunicorn.log")
        log(f"serving on {base}")
        pages, targets = discover(env, base)
        log("page types: " + ", ".join(f"{label} {path}" for label, path, _ in pages))

        manager = pw = chromium = None
        try:
            if only & {"axe", "focus", "html", "lighthouse", "links", "budgets"}:
                manager, pw, chromium = browser()
            forms = discovery.form_paths(targets)
            for thanks_name, form in forms if chromium is not None else []:
                thanks, why = reach_thanks(chromium, base, form)
                if thanks:
                    targets.insert(
                        -1, discovery.Target(name=thanks_name, path=thanks, noindex_ok=True)
                    )
                else:
                    results.notes.append(f"{thanks_name} page not audited: {why}")
                    results.record(thanks_name.replace("thanks", "form-errors"), "thanks", [why])
            if not forms:
                results.notes.append("no AppointmentRequestPage yet: form and thank-you skipped")
            log("targets: " + ", ".join(f"{t.name} {t.path}" for t in targets))

            wapiti_out = REPORTS / "wapiti.json"
            wapiti_out.unlink(missing_ok=True)
            wapiti = start_wapiti(base, wapiti_out) if "wapiti" in only else None
            if wapiti:
                log("wapiti started in the background")

            fetched = fetch_targets(base, targets, html_dir)
            if "html" in only:
                log("Nu validator")
                gate_html(results, targets, html_dir, fetched)
            if only & {"links", "budgets"}:
                log("links and budgets")
                gate_links_and_budgets(
                    results, targets, base, fetched, "links" in only, "budgets" in only
                )
            if only & {"axe", "focus", "budgets"}:
                log("axe, focus and third-party requests in Chromium")
                gate_browser(results, targets, base, chromium, "axe" in only, "focus" in only)
        finally:
            if chromium is not None:
                chromium.close()
                manager.__exit__(None, None, None)
        if "lighthouse" in only:
            log("Lighthouse (mobile) on the pages without a performance threshold")
            gate_lighthouse(results, targets, base, summary["lighthouse"], fetched, False)
        if "wapiti" in only:
            log("waiting for wapiti")
            finish_wapiti(results, wapiti, wapiti_out)
        if "lighthouse" in only:
            log("Lighthouse (mobile) on the performance pages, three runs each")
            gate_lighthouse(results, targets, base, summary["lighthouse"], fetched, True)
    except Exception as error:  # noqa: BLE001 - reported as a failed gate below
        import traceback

        traceback.print_exc()
        results.record("(site)", "setup", [f"{error.__class__.__name__}: {error}"])
    finally:
        stop_children()

    columns = []
    for key in results.cells:
        if key[1] not in columns:
            columns.append(key[1])
    order = ["setup", "thanks", "html", "axe-360", "axe-1280", "focus", LH_COLUMN]
    order += ["links", "budgets", "wapiti", "prod-settings"]
    columns = [c for c in order if c in columns] + [c for c in columns if c not in order]
    print()
    print_table(results, targets, columns)
    failures = {f"{t} / {c}": f for (t, c), f in results.failures.items() if f}
    if failures:
        print("\nFailures:")
        for where, lines in failures.items():
            for line in lines:
                print(f"  {where}: {line}")
    for note in results.notes:
        print(f"  note: {note}")
    summary.update(
        targets=[t.__dict__ for t in targets],
        cells={f"{t} / {c}": v for (t, c), v in results.cells.items()},
        failures=failures,
        notes=results.notes,
        seconds=round(time.monotonic() - started),
        passed=not results.failed,
    )
    (REPORTS / "site-gate.json").write_text(json.dumps(summary, indent=2, default=str))
    log(
        f"{'FAILED' if results.failed else 'passed'} in {summary['seconds']} s; "
        f"reports in {REPORTS.relative_to(ROOT)}/"
    )
    return 1 if results.failed else 0


if __name__ == "__main__":
    sys.exit(main())
