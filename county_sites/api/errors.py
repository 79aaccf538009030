"""The API's own refusals (everything else carries the service's message unchanged)."""

from django.utils.translation import gettext_lazy as _

MSG_NOT_AUTHENTICATED = _("请先登录。")
MSG_CSRF_FAILED = _("页面已过期，请刷新后重试。")
MSG_NOT_FOUND = _("没有找到。")
MSG_INVALID_INPUT = _("提交的内容有误，请检查后重试。")
MSG_CATEGORY_UNKNOWN = _("没有这个类目。")
MSG_TOO_MANY_REQUESTS = _("请求过于频繁，请稍后再试。")
