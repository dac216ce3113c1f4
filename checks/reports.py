"""Reading what the tools report, and the budgets: pure functions, unit-tested.

Every tool here exits 0 whatever it finds; these functions turn their reports
into lists of failures (an empty list is a pass).
"""

import json
import re
import tomllib
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

HTML_BUDGET = 60 * 1024
CSS_BUDGET = 30 * 1024
JS_BUDGET = 20 * 1024
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa")
AXE_BLOCKING_IMPACTS = ("serious", "critical")
LIGHTHOUSE_CATEGORIES = ("accessibility", "best-practices", "seo")
PERFORMANCE_THRESHOLD = 95
ADMIN_PREFIX = "/admin/"


# -- Nu validator --------------------------------------------------------------


def parse_vnu(text):
    """{document url: [error text]} from vnu's `--format json` output (errors only)."""
    data = json.loads(text) if text.strip() else {"messages": []}
    errors = {}
    for message in data.get("messages", []):
        if message.get("type") not in ("error", "non-document-error"):
            continue
        if message.get("subType") == "warning":
            continue
        where = f"line {message['lastLine']}: " if "lastLine" in message else ""
        extract = (message.get("extract") or "").strip().replace("\n", " ")
        detail = f"{where}{message.get('message', '').strip()}"
        if extract:
            detail += f" [{extract[:120]}]"
        errors.setdefault(message.get("url", ""), []).append(detail)
    return errors


# -- axe-core -------------------------------------------------------------------


def axe_blocking(violations, tags=AXE_TAGS, impacts=AXE_BLOCKING_IMPACTS):
    """The violations the gate fails on: WCAG A/AA rules with a serious or critical impact."""
    found = []
    for violation in violations:
        if violation.get("impact") not in impacts:
            continue
        if not set(violation.get("tags", ())) & set(tags):
            continue
        targets = [", ".join(node.get("target", [])) for node in violation.get("nodes", [])]
        found.append(
            f"{violation['id']} ({violation['impact']}): {violation.get('help', '')}"
            f" — {len(targets)} element(s): {'; '.join(targets[:5])}"
        )
    return found


# -- Lighthouse -----------------------------------------------------------------


def lighthouse_scores(report):
    """{category id: score 0-100 or None} from a Lighthouse JSON report."""
    return {
        cid: (None if cat.get("score") is None else round(cat["score"] * 100))
        for cid, cat in report.get("categories", {}).items()
    }


def lighthouse_runtime_error(report):
    error = (report or {}).get("runtimeError")
    if error and error.get("code") not in (None, "NO_ERROR"):
        return error["code"]
    return None


def failing_audits(report, category):
    """Ids of the audits that cost a category points (weight > 0, score < 1)."""
    cat = report.get("categories", {}).get(category, {})
    audits = report.get("audits", {})
    failing = []
    for ref in cat.get("auditRefs", []):
        if not ref.get("weight"):
            continue
        audit = audits.get(ref["id"], {})
        score = audit.get("score")
        if score is not None and score < 1:
            failing.append(ref["id"])
    return failing


def lighthouse_failures(
    reports, performance=False, threshold=PERFORMANCE_THRESHOLD, noindex_ok=False
):
    """Failures for one page from all its runs (best score per category counts).

    `noindex_ok`: the page deliberately asks search engines not to index it
    (search results, a thank-you page with a private token); Lighthouse's
    `is-crawlable` audit then fails by design, and SEO passes when every other
    SEO audit does.
    """
    usable = [r for r in reports if r and not lighthouse_runtime_error(r)]
    if not usable:
        codes = [lighthouse_runtime_error(r) or "no report" for r in reports] or ["no report"]
        return [f"Lighthouse did not run: {', '.join(codes)}"]
    failures = []
    categories = LIGHTHOUSE_CATEGORIES + (("performance",) if performance else ())
    for category in categories:
        scores = [lighthouse_scores(r).get(category) for r in usable]
        known = [s for s in scores if s is not None]
        best = max(known) if known else None
        need = threshold if category == "performance" else 100
        if best is not None and best >= need:
            continue
        best_run = max(usable, key=lambda r, c=category: lighthouse_scores(r).get(c) or 0)
        audits = failing_audits(best_run, category)
        if category == "seo" and noindex_ok and best is not None and audits == ["is-crawlable"]:
            continue
        failures.append(
            f"{category} {best} < {need} (runs: {scores}); failing audits: {', '.join(audits)}"
        )
    return failures


def has_noindex(html):
    soup = BeautifulSoup(html, "html.parser")
    for meta in soup.find_all("meta", attrs={"name": re.compile("^robots$", re.I)}):
        if "noindex" in (meta.get("content") or "").lower():
            return True
    return False


# -- wapiti -----------------------------------------------------------------------


def wapiti_findings(report):
    """Flat list of findings from wapiti's JSON report (vulnerabilities and anomalies)."""
    findings = []
    for section in ("vulnerabilities", "anomalies"):
        for category, items in (report.get(section) or {}).items():
            for item in items or []:
                findings.append(
                    {
                        "section": section,
                        "category": category,
                        "info": item.get("info", ""),
                        "path": item.get("path", ""),
                        "method": item.get("method", ""),
                        "parameter": item.get("parameter", ""),
                        "level": item.get("level"),
                    }
                )
    return findings


def load_allowlist(path):
    """Allow-list entries from a TOML file; each needs a category and a reason."""
    data = tomllib.loads(Path(path).read_text())
    entries = data.get("allow", [])
    for entry in entries:
        if not entry.get("category") or not entry.get("reason", "").strip():
            raise ValueError(f"allow-list entry needs a category and a reason: {entry}")
    return entries


def allowed_by(finding, entries):
    """The allow-list entry that covers a finding, or None.

    An entry matches on the exact category, and optionally on a regular
    expression searched in the finding's info (`info`) and its path (`path`).
    """
    for entry in entries:
        if entry["category"] != finding["category"]:
            continue
        if "info" in entry and not re.search(entry["info"], finding["info"]):
            continue
        if "path" in entry and not re.search(entry["path"], finding["path"]):
            continue
        return entry
    return None


def wapiti_failures(report, entries):
    failures, allowed = [], []
    for finding in wapiti_findings(report):
        entry = allowed_by(finding, entries)
        line = f"{finding['category']}: {finding['info']} ({finding['method']} {finding['path']})"
        (allowed if entry else failures).append(line)
    return failures, allowed


# -- Budgets and links ------------------------------------------------------------


def same_origin(url, base_url):
    a, b = urlsplit(url), urlsplit(base_url)
    return (a.scheme, a.netloc) == (b.scheme, b.netloc)


def resource_urls(html, base_url):
    """{kind: [absolute url]} for the page's scripts, stylesheets, icons, images and frames."""
    soup = BeautifulSoup(html, "html.parser")
    found = {"script": [], "stylesheet": [], "link": [], "img": [], "iframe": []}
    for tag in soup.find_all("script", src=True):
        found["script"].append(urljoin(base_url, tag["src"]))
    for tag in soup.find_all("link", href=True):
        rels = {r.lower() for r in tag.get("rel", [])}
        if "stylesheet" in rels:
            found["stylesheet"].append(urljoin(base_url, tag["href"]))
        elif rels & {"preload", "icon", "apple-touch-icon", "modulepreload", "manifest"}:
            found["link"].append(urljoin(base_url, tag["href"]))
    for tag in soup.find_all(["img", "source"]):
        for attr in ("src", "srcset"):
            for candidate in (tag.get(attr) or "").split(","):
                url = candidate.strip().split(" ")[0]
                if url and not url.startswith("data:"):
                    found["img"].append(urljoin(base_url, url))
    for tag in soup.find_all("iframe", src=True):
        found["iframe"].append(urljoin(base_url, tag["src"]))
    return found


def html_budget_failures(html, base_url, size=None, limit=HTML_BUDGET):
    """Failures of one page's own budget: size, render-blocking JS, third parties, image sizes."""
    failures = []
    size = len(html.encode()) if size is None else size
    if size >= limit:
        failures.append(f"HTML is {size} bytes (budget {limit})")
    soup = BeautifulSoup(html, "html.parser")
    head = soup.head
    if head is not None:
        for script in head.find_all("script"):
            kind = (script.get("type") or "").lower()
            if kind in ("application/ld+json", "application/json", "importmap"):
                continue
            if kind == "module" or script.has_attr("defer") or script.has_attr("async"):
                continue
            what = script.get("src") or "inline script"
            failures.append(f"render-blocking <script> in <head>: {what}")
    for kind, urls in resource_urls(html, base_url).items():
        for url in urls:
            if urlsplit(url).scheme in ("http", "https") and not same_origin(url, base_url):
                failures.append(f"third-party {kind}: {url}")
    for img in soup.find_all("img"):
        missing = [a for a in ("width", "height") if not img.get(a)]
        if missing:
            failures.append(f"<img src={img.get('src')!r}> has no {' or '.join(missing)}")
    return failures


def asset_budget_failures(css_bytes, js_bytes, css_limit=CSS_BUDGET, js_limit=JS_BUDGET):
    failures = []
    if css_bytes >= css_limit:
        failures.append(f"CSS is {css_bytes} bytes (budget {css_limit})")
    if js_bytes >= js_limit:
        failures.append(f"JavaScript is {js_bytes} bytes (budget {js_limit})")
    return failures


def internal_links(html, base_url):
    """Absolute same-origin URLs of the page's <a href> links, without fragments."""
    soup = BeautifulSoup(html, "html.parser")
    links = set()
    for tag in soup.find_all("a", href=True):
        href = tag["href"].strip()
        if not href or href.startswith(("#", "mailto:", "tel:", "sms:", "javascript:")):
            continue
        url = urljoin(base_url, href).split("#", 1)[0]
        if same_origin(url, base_url):
            links.add(url)
    return sorted(links)


def admin_links(links, admin_prefix=ADMIN_PREFIX):
    return [url for url in links if urlsplit(url).path.startswith(admin_prefix)]


def main_links_to(html, path):
    """True when the page's <main> (or body) has a link to `path`."""
    soup = BeautifulSoup(html, "html.parser")
    scope = soup.find("main") or soup
    return any(urlsplit(a["href"]).path == path for a in scope.find_all("a", href=True))
