"""A resident's account page (/account/): their credit line (limit, drawn, available, expiry,
each draw's schedule), their consents, one per purpose, each given or withdrawn with one
button (a plain POST form, no script), and what of their data went to whom and when. And the
bank's signed credit messages (/credit/notify/).

The consent buttons post to accounts.views (consent_give_view, consent_revoke_view)."""

from django.contrib.auth.decorators import login_required as _login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.selectors import consents_by_purpose, sharing_records_for_user
from county_sites.credit.selectors import credit_line_summary
from county_sites.credit.services import credit_notify_apply
from county_sites.payments.services import NotifyRejectedError

login_required = _login_required(login_url=reverse_lazy("accounts:login"))


@login_required
@require_GET
def account_page(request, *, error: str = "", status: int = 200):
    return render(
        request,
        "credit/account.html",
        {
            "credit": credit_line_summary(user=request.user),
            "consents": consents_by_purpose(user=request.user),
            "sharings": sharing_records_for_user(user=request.user),
            "today": timezone.localdate(),
            "error": error or request.GET.get("error", ""),
        },
        status=status,
    )


@csrf_exempt  # server-to-server from the bank, authenticated by the HMAC signature
@require_POST
def notify_credit(request):
    """The bank's credit messages (a line granted, an instalment repaid). "success" tells it
    to stop retrying."""
    try:
        credit_notify_apply(data=request.POST.dict())
    except NotifyRejectedError as refusal:
        return HttpResponse(f"fail: {refusal.message}", status=refusal.status)
    return HttpResponse("success", content_type="text/plain")
