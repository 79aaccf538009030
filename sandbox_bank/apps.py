from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SandboxBankConfig(AppConfig):
    name = "sandbox_bank"
    verbose_name = _("沙箱银行（测试用，非真实银行）")
