from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.sessions.models import Session
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from wagtail.log_actions import log

from staff.audit import record

User = get_user_model()


@receiver(user_logged_in)
def signed_in(sender, request, user, **kwargs):
    record(user, "staff.sign_in")


@receiver(user_logged_out)
def signed_out(sender, request, user, **kwargs):
    if user is not None:
        record(user, "staff.sign_out")


@receiver(user_login_failed)
def sign_in_failed(sender, credentials, request=None, **kwargs):
    # Logged against the account when there is one; the response never says.
    username = credentials.get(User.USERNAME_FIELD) or credentials.get("username")
    user = User.objects.filter(**{User.USERNAME_FIELD: username}).first() if username else None
    if user is not None:
        log(instance=user, action="staff.sign_in_failed", user=None, data={})


def end_sessions(user_ids):
    """Sign the given users out everywhere (their stored sessions are deleted)."""
    wanted = {str(pk) for pk in user_ids}
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") in wanted:
            session.delete()


@receiver(m2m_changed, sender=User.groups.through)
def removed_from_group(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_remove", "pre_clear"):
        return
    if reverse:  # group.user_set.remove(...): pk_set are the users
        user_ids = pk_set or set(instance.user_set.values_list("pk", flat=True))
    else:
        user_ids = {instance.pk}
    end_sessions(user_ids)


@receiver(pre_save, sender=User)
def note_superuser_status(sender, instance, raw=False, update_fields=None, **kwargs):
    # One query, skipped for saves that cannot change it (last_login at each sign-in).
    instance._staff_was_superuser = (
        not raw
        and (update_fields is None or "is_superuser" in update_fields)
        and instance.pk is not None
        and User.objects.filter(pk=instance.pk, is_superuser=True).exists()
    )


@receiver(post_save, sender=User)
def superuser_status_removed(sender, instance, created, raw=False, **kwargs):
    """A person who is no longer a superuser signs in again, under what they may now see."""
    if getattr(instance, "_staff_was_superuser", False) and not instance.is_superuser:
        end_sessions([instance.pk])
