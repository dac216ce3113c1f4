"""Signed tokens for the links in the newsletter's emails: confirm, and unsubscribe.

A token names a subscriber row and a keyed digest of its address, signed
with the site's SECRET_KEY (django.core.signing, a salt per purpose so one
kind of token never works as the other). The address itself is not in the
link, so it does not end up in web server logs. A confirmation token expires
after NEWSLETTER_CONFIRM_DAYS; an unsubscribe token never does (an old
newsletter's link must still work).
"""

import datetime

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from newsletter.models import NewsletterSubscriber

CONFIRM_SALT = "newsletter.confirm"
UNSUBSCRIBE_SALT = "newsletter.unsubscribe"
ADDRESS_SALT = "newsletter.address"


class InvalidToken(Exception):
    """The link was altered, has expired, or was not made by this site."""


def address_digest(email):
    return salted_hmac(ADDRESS_SALT, email.lower()).hexdigest()[:16]


def make_token(subscriber, salt):
    return signing.dumps([subscriber.pk, address_digest(subscriber.email)], salt=salt)


def confirm_token(subscriber):
    return make_token(subscriber, CONFIRM_SALT)


def unsubscribe_token(subscriber):
    return make_token(subscriber, UNSUBSCRIBE_SALT)


def read_token(token, salt, max_age=None):
    """The subscriber's id and address digest; InvalidToken if altered or expired."""
    try:
        pk, digest = signing.loads(token, salt=salt, max_age=max_age)
    except (signing.BadSignature, ValueError, TypeError):  # SignatureExpired is a BadSignature
        raise InvalidToken from None
    if not isinstance(pk, int) or not isinstance(digest, str):
        raise InvalidToken
    return pk, digest


def subscriber_for(token, salt, max_age=None):
    """The row the token was made for, or None when it is gone (unsubscribed, purged).

    Raises InvalidToken when the token itself is no good.
    """
    pk, digest = read_token(token, salt, max_age)
    subscriber = NewsletterSubscriber.objects.filter(pk=pk).first()
    if subscriber is None or not constant_time_compare(digest, address_digest(subscriber.email)):
        return None
    return subscriber


def subscriber_to_confirm(token):
    max_age = datetime.timedelta(days=settings.NEWSLETTER_CONFIRM_DAYS)
    return subscriber_for(token, CONFIRM_SALT, max_age=max_age)


def subscriber_to_unsubscribe(token):
    return subscriber_for(token, UNSUBSCRIBE_SALT)
