"""How this project runs Debian's Chromium: the gate, Lighthouse and the browser tests."""

import shutil

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# Headless as root on a machine with no network but loopback: without the
# background-networking flags Chromium keeps trying to reach Google's hosts.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def axe_blocking_violations(page, disabled_rules=()):
    """Run axe-core on `page`; the WCAG A/AA violations of serious or critical impact.

    `disabled_rules`: axe rule ids not run (for markup the project does not render).
    """
    from axe_playwright_python.sync_playwright import Axe

    from checks import reports

    options = {"runOnly": {"type": "tag", "values": list(reports.AXE_TAGS)}}
    if disabled_rules:
        options["rules"] = {rule: {"enabled": False} for rule in disabled_rules}
    response = Axe().run(page, options=options).response
    return reports.axe_blocking(response.get("violations", []))
