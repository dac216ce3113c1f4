"""Who sent a request: the client's address, read through the proxies the deployment trusts.

Used wherever the site counts per client (the appointment form's rate limit,
staff sign-in lockouts), so that one rule decides which address is a client's.
"""

from django.conf import settings


def client_address(request):
    """The client's address; X-Forwarded-For only behind a proxy we trust to set it."""
    if getattr(settings, "APPOINTMENT_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        # Our proxy appends the address it saw: the last entry is the one it vouches for.
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR", "")
