"""Users. The same table exists in public (province staff) and in every county schema
(county operators, clerks, sellers and residents): see docs/adr/0002-users-per-county.md.
"""

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

mobile_validator = RegexValidator(r"^1[3-9]\d{9}\Z", _("请输入11位中国大陆手机号码。"))


class User(AbstractUser):
    """A person who signs in. Villagers often have no email, so none is ever required.

    Edited by county operators in the Wagtail admin (Settings > Users) of their county, and by
    province staff in the province admin for province accounts.
    """

    mobile = models.CharField(
        _("手机号码"),
        max_length=11,
        blank=True,
        validators=[mobile_validator],
        help_text=_("用于短信验证码登录；同一县内唯一。"),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.UniqueConstraint(
                fields=["mobile"],
                condition=~models.Q(mobile=""),
                name="accounts_user_mobile_unique_when_set",
            )
        ]
