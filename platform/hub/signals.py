"""Signals only for cache invalidation: a county or domain change clears the host cache."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from hub.host_cache import host_cache_clear
from hub.models import County, CountyDomain


@receiver([post_save, post_delete], sender=County)
@receiver([post_save, post_delete], sender=CountyDomain)
def county_changed(**kwargs):
    host_cache_clear()
    # Cleared again after commit, in case a request cached the old row in between.
    transaction.on_commit(host_cache_clear)
