"""Quality gates for the public site: `make check-site` runs `python -m checks.site_gate`."""
