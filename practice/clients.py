"""Who sent a request: the client's address, read through the proxies the deployment declares.

Used wherever the site counts per client (the appointment form's rate limit),
so that one rule decides which address is a client's. The deployment says
which proxies stand in front of the app, in one of two ways (settings, from
the environment; docs/deploy.md):

- TRUSTED_PROXY_COUNT = N: every request passes N proxies before the app
  (nginx then Varnish: 2). Each appends the address it saw to X-Forwarded-For;
  the last one is the app's REMOTE_ADDR. The client is the address the
  outermost proxy saw: N hops from the right of "X-Forwarded-For, REMOTE_ADDR".
  Whatever a client wrote into the header itself stays to the left and is
  never read. Read by django-ipware (proxy_count = N - 1 of the header's hops).
- TRUSTED_PROXIES = addresses or networks of the proxies ("127.0.0.1",
  "10.0.0.0/8"): the header is read only on a request that comes from one of
  them, and from the right, past every trusted proxy; the first address that
  is not one is the client's. For chains whose length varies.

With neither, X-Forwarded-For is ignored: the client is REMOTE_ADDR (the app
reached directly). A chain shorter than declared (a request that came round
the proxies) also counts as REMOTE_ADDR: no address in it is vouched for.
`practice.checks` refuses both settings at once and the old
APPOINTMENT_TRUST_X_FORWARDED_FOR, which trusted the last hop: behind two
proxies that was a proxy, and every patient shared one count.
"""

import ipaddress

from django.conf import settings
from ipware import get_client_ip

FORWARDED_FOR = "HTTP_X_FORWARDED_FOR"


def trusted_networks(entries=None):
    """settings.TRUSTED_PROXIES as networks (raises ValueError on an entry that is none)."""
    entries = settings.TRUSTED_PROXIES if entries is None else entries
    return [ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip()]


def _address(value):
    try:
        return ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None


def _is_trusted(address, networks):
    return address is not None and any(address in network for network in networks)


def client_address(request):
    """The client's address as the declared proxies vouch for it (a string, "" if none)."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0
    proxies = getattr(settings, "TRUSTED_PROXIES", ())
    if count:
        # The last proxy is REMOTE_ADDR; the other count - 1 are the header's last hops.
        found, _routable = get_client_ip(
            request,
            proxy_order="left-most",
            proxy_count=count - 1,
            request_header_order=[FORWARDED_FOR],
            strict=False,
        )
        return found or remote
    if proxies:
        networks = trusted_networks(proxies)
        if not _is_trusted(_address(remote), networks):
            return remote
        hops = [hop for hop in request.META.get(FORWARDED_FOR, "").split(",") if hop.strip()]
        for hop in reversed(hops):
            address = _address(hop)
            if address is None:
                return remote  # a hop no proxy of ours wrote: the chain is not to be read
            if not _is_trusted(address, networks):
                return str(address)
        return remote
    return remote
