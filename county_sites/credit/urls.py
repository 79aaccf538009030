from django.urls import path

from county_sites.credit import views

app_name = "credit"

urlpatterns = [
    path("account/", views.account_page, name="account"),
    path("credit/notify/", views.notify_credit, name="notify"),
    path("seller/loans/", views.seller_loans, name="seller_loans"),
    path("seller/loans/consent/", views.seller_loan_consent, name="seller_loan_consent"),
]
