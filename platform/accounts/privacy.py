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


# ------------------------------------------------------------------------------------------
# The separate consents (issue 11, point 4): one notice per purpose, each naming the
# recipient, the data and the use, as PIPL art. 23 asks; versioned like the platform's.
# ------------------------------------------------------------------------------------------
BANK_NAME = _("县农商银行")

PURPOSE_NOTICES = {
    "bank_purchase_data": {
        "2026-12-01": PrivacyNotice(
            version="2026-12-01",
            title=_("向县农商银行提供您的购物记录，用于授信评估"),
            paragraphs=(
                _("接收方：县农商银行（平台的运营银行）。"),
                _(
                    "共享内容：您在平台上的下单次数与间隔、各类商品的消费金额、付款方式、分期还款是否按时。"
                ),
                _("用途：银行评估给您的授信额度和利率；不用于营销。"),
                _("不同意不影响您购物和使用已有的授信额度。您可以随时一键撤回，撤回后不再共享。"),
            ),
        )
    },
    "bank_sales_data": {
        "2026-12-01": PrivacyNotice(
            version="2026-12-01",
            title=_("向县农商银行提供您的销售记录，用于经营贷款"),
            paragraphs=(
                _("接收方：县农商银行（平台的运营银行）。"),
                _("共享内容：您作为卖家的销售收入及其稳定性、发货及时率、退货率。"),
                _("用途：银行审查您的经营贷款申请；不用于营销。"),
                _("不同意不影响您在平台上卖货。您可以随时一键撤回，撤回后不再共享。"),
            ),
        )
    },
    "sms_service": {
        "2026-12-01": PrivacyNotice(
            version="2026-12-01",
            title=_("接收服务短信"),
            paragraphs=(
                _("到货、待取件、退款进度等服务通知。验证码和分期还款提醒是交易所必需，不在此列。"),
                _("您可以随时一键撤回。"),
            ),
        )
    },
    "sms_marketing": {
        "2026-12-01": PrivacyNotice(
            version="2026-12-01",
            title=_("接收营销短信"),
            paragraphs=(
                _("本县特产上新、促销活动的短信，每月不超过 4 条。"),
                _("不同意不影响任何服务。您可以随时一键撤回。"),
            ),
        )
    },
}
PURPOSE_NOTICE_CURRENT = dict.fromkeys(PURPOSE_NOTICES, "2026-12-01")


def purpose_notice(purpose: str, version: str | None = None) -> PrivacyNotice | None:
    """The notice of `purpose` (version `version`, else the current one); None if unknown."""
    if purpose == "platform_privacy":
        return PLATFORM_NOTICES.get(version or PLATFORM_NOTICE_CURRENT)
    versions = PURPOSE_NOTICES.get(purpose, {})
    return versions.get(version or PURPOSE_NOTICE_CURRENT.get(purpose, ""))
