"""The privacy notice a person agrees to, versioned in code.

A consent (accounts.models.Consent) records the version shown, so what someone agreed to can
be read again later exactly as it was: never edit a published version's text, add a new
version and make it current instead. The console's registration page shows the current
notice in full, before the villager confirms.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class PrivacyNotice:
    version: str
    title: str
    paragraphs: tuple[str, ...]


PLATFORM_NOTICES = {
    "2026-12-01": PrivacyNotice(
        version="2026-12-01",
        title=_("丰收平台隐私政策"),
        paragraphs=(
            _("我们收集：您的手机号码、姓名、所在村，以及您在平台上的订单、商品和付款记录。"),
            _(
                "用途：为您开通账户、发送验证码和订单短信、在服务点交付包裹、结算货款，"
                "以及县运营人员处理售后和纠纷。"
            ),
            _(
                "服务点店员可以代您登记、代您上架商品和代您下单；每一次代办都会记录店员、"
                "服务点和时间，您可以在自己的手机上查看。"
            ),
            _(
                "我们不会把您的信息出售给任何人。只有在您另行同意时，才会与银行等合作方共享，"
                "并且只共享那次同意写明的内容。"
            ),
            _("您可以随时到服务点或联系县运营人员撤回同意、查询或更正您的信息。"),
        ),
    ),
}
PLATFORM_NOTICE_CURRENT = "2026-12-01"


def platform_notice_current() -> PrivacyNotice:
    return PLATFORM_NOTICES[PLATFORM_NOTICE_CURRENT]
