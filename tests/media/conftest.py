"""Fixtures of the media tests: point P's clerk (tests/fixtures/assisted.py) and a refund
request's evidence photo of the buyer's paid order."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from county_sites.orders.services import order_mark_paid, order_pay_start, refund_request_create
from sandbox_bank.models import SandboxTransaction
from sandbox_bank.services import transaction_pay
from tests.fixtures.assisted import clerk, clerk_client  # noqa: F401  (fixtures)
from tests.fixtures.orders import place


def _jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, format="JPEG")
    return SimpleUploadedFile("evidence.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def refund_photo(buyer, tea, point, bank_in_process):
    order = place(buyer, [(tea, 1)], point=point)
    order_pay_start(order=order, notify_url="http://anji.localhost/n/", return_url="http://r/")
    transaction_pay(token=SandboxTransaction.objects.get(out_trade_no=order.number).token)
    order = order_mark_paid(order=order)
    request = refund_request_create(buyer=buyer, order=order, reason="坏了", photos=[_jpeg()])
    return request.photos.get()
