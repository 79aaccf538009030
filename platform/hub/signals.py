"""Signals only for cache invalidation: a county or domain change clears the host cache, a
vocabulary change the terms read by hub.vocabulary."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from hub.host_cache import host_cache_clear
from hub.models import CertificationKind, County, CountyDomain, SaleUnit
from hub.vocabulary import vocabulary_forget


@receiver([post_save, post_delete], sender=County)
@receiver([post_save, post_delete], sender=CountyDomain)
def county_changed(**kwargs):
    host_cache_clear()
    # Cleared again after commit, in case a request cached the old row in between.
    transaction.on_commit(host_cache_clear)


@receiver([post_save, post_delete], sender=SaleUnit)
@receiver([post_save, post_delete], sender=CertificationKind)
def vocabulary_changed(**kwargs):
    vocabulary_forget()
    transaction.on_commit(vocabulary_forget)
