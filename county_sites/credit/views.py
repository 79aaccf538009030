"""A resident's account page (/account/): their credit line (limit, drawn, available, expiry,
each draw's schedule), their consents, one per purpose, each given or withdrawn with one
button (a plain POST form, no script), and what of their data went to whom and when. A
seller's working-capital loans (/seller/loans/, in the seller's pages: farmers' seller_required
lets in only the signed-in seller, and every read is of their own applications). And the
bank's signed credit messages (/credit/notify/).

The consent buttons post to accounts.views (consent_give_view, consent_revoke_view)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required as _login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Consent
from accounts.privacy import purpose_notice
from accounts.selectors import consent_current, consents_by_purpose, sharing_records_for_user
from accounts.services import consent_give_own
from core.errors import ApplicationError
from county_sites.credit.forms import LoanApplicationForm
from county_sites.credit.selectors import (
    credit_line_summary,
    loan_applications_for_seller,
    loan_sales_summary,
)
from county_sites.credit.services import credit_notify_apply
from county_sites.credit.services.loans import loan_application_submit
from county_sites.payments.services import NotifyRejectedError
from farmers.views.seller import seller_required

MSG_LOAN_SENT = _("申请 %(number)s 已提交给县农商银行，审批结果会显示在这里。")
MSG_LOAN_CONSENT_GIVEN = _("已同意向县农商银行提供销售记录，可以提交申请了。")

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


# ------------------------------------------------------------------------------------------
# A seller's working-capital loans
# ------------------------------------------------------------------------------------------
SALES_CONSENT = Consent.Purpose.BANK_SALES_DATA


def _render_loans(request, *, form=None, error: str = "", status: int = 200):
    seller = request.seller
    return render(
        request,
        "credit/seller_loans.html",
        {
            "seller": seller,
            "tab": "loans",
            "form": form or LoanApplicationForm(),
            "error": error,
            "consent": consent_current(user=request.user, purpose=SALES_CONSENT),
            "notice": purpose_notice(SALES_CONSENT),
            "summary": loan_sales_summary(seller=seller),
            "applications": loan_applications_for_seller(seller=seller),
        },
        status=status,
    )


@seller_required
@require_http_methods(["GET", "POST"])
def seller_loans(request):
    """申请经营贷款: the seller's applications and their state with dates; the consent to share
    their sales history (one tap, its notice shown, if not given); the form, which sends the
    application with that history. A refusal is this page with its message and a 400."""
    if request.method == "GET":
        return _render_loans(request)
    form = LoanApplicationForm(request.POST)
    if not form.is_valid():
        return _render_loans(request, form=form, status=400)
    try:
        application = loan_application_submit(
            actor=request.user,
            seller=request.seller,
            amount_fen=form.cleaned_data["amount"],
            term_months=form.cleaned_data["term_months"],
            purpose=form.cleaned_data["purpose"],
        )
    except ApplicationError as refusal:
        return _render_loans(request, form=form, error=str(refusal.message), status=400)
    messages.success(request, MSG_LOAN_SENT % {"number": application.number})
    return HttpResponseRedirect(reverse("credit:seller_loans"), status=303)


@seller_required
@require_POST
def seller_loan_consent(request):
    """One tap on the loan page: the seller agrees to share their sales history with the bank,
    as worded in the notice the page showed, and comes back to the form."""
    try:
        consent_give_own(
            user=request.user,
            purpose=SALES_CONSENT,
            notice_version=request.POST.get("notice_version", ""),
        )
    except ApplicationError as refusal:
        return _render_loans(request, error=str(refusal.message), status=400)
    messages.success(request, MSG_LOAN_CONSENT_GIVEN)
    return HttpResponseRedirect(f"{reverse('credit:seller_loans')}#apply", status=303)
