"""Log filters: what Django writes about requests never carries a query string.

Django's own request lines (`django.server`, the development server's
`"GET /search/?q=… HTTP/1.1" 200`, and `django.request`'s "Not Found: …")
would otherwise write what a patient or the front desk typed into a search
box. The access log of gunicorn leaves them out the same way
(deploy/gunicorn.conf.py).
"""

import logging
import re

# A query string inside a logged request line or URL: from "?" to the next space or quote.
QUERY = re.compile(r"\?[^\s\"']*")


def without_query(value):
    return QUERY.sub("", value) if isinstance(value, str) else value


class NoQueryStrings(logging.Filter):
    """Drops every query string from a record's message and arguments (never the record)."""

    def filter(self, record):
        record.msg = without_query(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(without_query(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: without_query(arg) for key, arg in record.args.items()}
        return True
