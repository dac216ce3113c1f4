"""The deployment's proxies declared once, one way: a contradiction is refused at start."""

from django.conf import settings
from django.core import checks

from practice.clients import trusted_networks


@checks.register(checks.Tags.security)
def trusted_proxies_are_declared_one_way(app_configs, **kwargs):
    errors = []
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    proxies = getattr(settings, "TRUSTED_PROXIES", ())
    if getattr(settings, "APPOINTMENT_TRUST_X_FORWARDED_FOR", None) is not None:
        errors.append(
            checks.Error(
                "APPOINTMENT_TRUST_X_FORWARDED_FOR is no longer read: it trusted the last "
                "X-Forwarded-For hop, which behind two proxies is a proxy.",
                hint="Set TRUSTED_PROXY_COUNT (how many proxies stand in front of the app) "
                "or TRUSTED_PROXIES (their addresses) instead; see docs/deploy.md.",
                id="practice.E010",
            )
        )
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        errors.append(
            checks.Error(
                f"TRUSTED_PROXY_COUNT must be 0 or a positive whole number, not {count!r}.",
                id="practice.E011",
            )
        )
    elif count and proxies:
        errors.append(
            checks.Error(
                "TRUSTED_PROXY_COUNT and TRUSTED_PROXIES are both set: the client's address "
                "would depend on which one is read.",
                hint="Declare the proxies one way: their number when every request passes "
                "the same chain, their addresses otherwise.",
                id="practice.E012",
            )
        )
    try:
        trusted_networks(proxies)
    except (ValueError, TypeError, AttributeError) as error:
        errors.append(
            checks.Error(
                f"TRUSTED_PROXIES holds something that is not an address or network: {error}",
                id="practice.E013",
            )
        )
    return errors
