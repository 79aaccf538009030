"""API tokens of one county (its schema): a token works only on the county that issued it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A bearer token a resident's app got by signing in with a mobile number and an SMS code
    (POST /api/v1/auth/token/). Only the SHA-256 of the token is stored: the token itself is
    shown once, in that response. Revoked by the app (DELETE /api/v1/auth/token/), never
    edited; nobody manages these by hand.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="storefront_api_tokens"
    )
    key_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True, editable=False)
    # The first characters, to tell tokens apart in logs without revealing them.
    prefix = models.CharField(_("令牌前缀"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.prefix}… ({self.user_id})"
