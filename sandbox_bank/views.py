"""SANDBOX BANK pages and API on the hub host (/sandbox-bank/...). Not a real bank."""

from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from core.money import yuan
from sandbox_bank.api import api_call
from sandbox_bank.models import SandboxTransaction
from sandbox_bank.services import SandboxBankError, transaction_pay


@require_http_methods(["GET", "POST"])
def pay_page(request, token: str):
    """The bank's pay page: the amount, and "pay" / "cancel". Both return to the merchant."""
    trade = SandboxTransaction.objects.select_related("merchant").filter(token=token).first()
    if trade is None:
        raise Http404
    error = ""
    if request.method == "POST":
        if request.POST.get("action") == "pay":
            try:
                transaction_pay(token=token)
            except SandboxBankError as refusal:
                error = refusal.message
            else:
                return HttpResponseRedirect(trade.return_url, status=303)
        else:
            return HttpResponseRedirect(trade.return_url, status=303)
    amount = yuan(trade.amount_fen)
    return render(
        request,
        "sandbox_bank/pay_page.html",
        {"trade": trade, "amount_yuan": amount, "error": error},
        status=400 if error else 200,
    )


@csrf_exempt  # server-to-server, authenticated by the HMAC signature
@require_POST
def api(request, operation: str):
    status, body = api_call(operation, request.POST.dict())
    return JsonResponse(body, status=status)
