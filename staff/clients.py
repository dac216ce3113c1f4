"""django-axes counts per client with the site's own rule for a client's address."""

from practice.clients import client_address


def axes_client_ip(request):
    return client_address(request) or None
