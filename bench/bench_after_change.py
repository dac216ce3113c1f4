"""wrk through Varnish, steady and while an editor renames a menu page every 5 s.

Not a test: run by `bench/after_change.sh`, which serves the demo site behind
Varnish. Prints a Markdown table (requests/s, p50, p99, errors, steady and
during the changes) and, for each rename, how long until every page in the
main menu showed it through Varnish.

    python bench/bench_after_change.py VARNISH_URL STEADY_SECONDS CHANGE_SECONDS
"""

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.request import urlopen

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from bs4 import BeautifulSoup  # noqa: E402
from wagtail.models import Page, Site  # noqa: E402

from procedures.models import ProcedurePage  # noqa: E402

RENAME_EVERY_SECONDS = 5
WRK = shutil.which("wrk") or "/usr/bin/wrk"


def wrk(url, seconds):
    out = subprocess.run(  # noqa: S603 - our own wrk on loopback
        [WRK, "-t2", "-c20", f"-d{seconds}s", "--latency", "-H", "Accept-Encoding: gzip", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures = {"errors": 0}
    for line in out.splitlines():
        words = line.split()
        if line.startswith("Requests/sec"):
            figures["rps"] = float(words[1])
        elif words[:1] == ["50%"]:
            figures["p50"] = words[1]
        elif words[:1] == ["99%"]:
            figures["p99"] = words[1]
        elif "Non-2xx" in line or "Socket errors" in line:
            figures["errors"] += sum(int(w.strip(",")) for w in words if w.strip(",").isdigit())
    return figures


def text_of(url):
    with urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
        return response.read().decode()


def main(front, steady_seconds, change_seconds):
    site = Site.objects.get(is_default_site=True)
    procedure = ProcedurePage.objects.live().order_by("path").first()
    target = front + procedure.url
    menu_page = site.root_page.get_children().live().in_menu().order_by("path").last().specific
    pages = [front + p.url for p in site.root_page.get_children().live().in_menu()] + [target]
    for _ in range(5):
        text_of(target)

    steady = wrk(target, steady_seconds)

    delays = []
    stop = threading.Event()

    def editor():
        n = 0
        while not stop.is_set():
            n += 1
            title = f"{menu_page.title.split(' (')[0]} ({n})"
            draft = Page.objects.get(pk=menu_page.pk).specific.get_latest_revision_as_object()
            draft.title = title
            draft.save_revision().publish()
            changed = time.monotonic()
            waiting = set(pages)
            while waiting and time.monotonic() - changed < 30:
                for url in list(waiting):
                    links = BeautifulSoup(text_of(url), "html.parser").select("nav a")
                    if any(a.get_text(strip=True) == title for a in links):
                        waiting.discard(url)
                time.sleep(0.2)
            delays.append(time.monotonic() - changed if not waiting else None)
            stop.wait(max(0, RENAME_EVERY_SECONDS - (time.monotonic() - changed)))

    thread = threading.Thread(target=editor)
    thread.start()
    during = wrk(target, change_seconds)
    stop.set()
    thread.join()

    print(f"\nProcedure page {procedure.url} through Varnish; menu page renamed: {menu_page.url}\n")
    print("| run | requests/s | p50 | p99 | errors |")
    print("| --- | --- | --- | --- | --- |")
    for label, f in (("steady", steady), (f"renamed every {RENAME_EVERY_SECONDS} s", during)):
        print(f"| {label} | {f['rps']:.0f} | {f['p50']} | {f['p99']} | {f['errors']} |")
    shown = [d for d in delays if d is not None]
    print(
        f"\nRenames: {len(delays)}; on all {len(pages)} pages within "
        f"{max(shown):.1f} s at worst, {sorted(shown)[len(shown) // 2]:.1f} s median"
        + (
            f"; {len(delays) - len(shown)} never shown within 30 s"
            if len(shown) < len(delays)
            else ""
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
