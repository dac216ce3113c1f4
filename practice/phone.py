"""Phone numbers as patients dial them: one builder for every tel: link on the site."""

from functools import lru_cache

import phonenumbers
from django.conf import settings


def tel_uri(number, region=None):
    """`number` as written on the site, as an RFC 3966 tel: URI ("" if it is no number).

    "(203) 555-0142 ext. 12" becomes "tel:+12035550142;ext=12": E.164 with
    the country code of the practice's region, the extension kept apart.
    """
    if not number:
        return ""
    return _tel_uri(number, region or settings.PRACTICE_REGION)


# The same few numbers (the practice's, each clinic's) are on every page: parsing them
# took phonenumbers a few per cent of each page view.
@lru_cache(maxsize=256)
def _tel_uri(number, region):
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(parsed):
        return ""
    uri = "tel:" + phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return f"{uri};ext={parsed.extension}" if parsed.extension else uri
