"""Cache plumbing: a withdrawn article's page is never served again, not even while the database is down."""

from django.core.cache import cache
from django.db.models.signals import post_save
from django.dispatch import receiver

from articles import reader
from articles.models import PublicationWithdrawal


@receiver(post_save, sender=PublicationWithdrawal, dispatch_uid="articles.forget_withdrawn_page")
def forget_withdrawn_page(sender, instance: PublicationWithdrawal, created: bool, **kwargs) -> None:
    if created:
        cache.delete_many(reader.stale_page_keys(slug=instance.article.slug))
