from django.db import models


class PendingPurge(models.Model):
    """A purge recorded with the change that caused it, until the shared cache has taken it.

    Written in the change's own transaction, so every process sees it exactly
    when it sees the change; deleted once the cache holds the new version.
    While a row stands, what its version covers is never served from the
    cache (`pagecache.versions`).
    """

    version_key = models.CharField(max_length=100)
    # The token this purge gave the version; the cache has taken it when it holds this.
    token = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "pending cache purge"

    def __str__(self):
        return self.version_key
