"""Instructions one page view costs, counted by valgrind, not timed.

Not a test. A shared machine's load changes every timing but not how many
instructions a view executes: `bench/ab.sh` runs this under
`valgrind --tool=cachegrind --cache-sim=no` twice per side (after the warm-up
views alone, then with `--views` more), and the difference divided by the
views is one uncached view's instructions, repeatable to well under 1 %.
Production settings, page cache off, one database connection, in process.

    valgrind --tool=cachegrind --cache-sim=no python bench/bench_instructions.py URL VIEWS
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["PAGE_CACHE_SECONDS"] = "0"

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402


def main():
    url, views = sys.argv[1], int(sys.argv[2])
    client = Client()
    for _ in range(3):  # templates, kept parts and connections warm, as in a running worker
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    for _ in range(views):
        client.get(url)


if __name__ == "__main__":
    main()
