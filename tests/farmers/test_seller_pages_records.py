"""The seller's own pages on a county host (/seller/): certifications and traceability
batches, orders and the statement; every refusal a 400 with its message, nothing
changed."""

import datetime as dt

import pytest

from county_sites.ledger.selectors import seller_statement
from farmers.models import ListingCertification, TraceabilityBatch
from farmers.services import MSG_BATCH_CODE_TAKEN, MSG_CERTIFICATION_DUPLICATE
from hub.taxonomy import Certification
from tests.factories.farmers import ListingCertificationFactory, TraceabilityBatchFactory
from tests.farmers.seller_pages_helpers import url
from tests.fixtures.farmers import farmers_snapshot


# ------------------------------------------------------------------------------
# Certifications and batches
# ------------------------------------------------------------------------------
def test_seller_adds_and_removes_a_certification(seller_client, draft_listing):
    response = seller_client.post(
        url("seller_certification_add", draft_listing.pk),
        {
            "kind": Certification.GREEN_FOOD,
            "certificate_number": "LB-18-1234567890",
            "issuer": "中国绿色食品发展中心",
            "valid_until": "2027-12-31",
        },
    )

    assert response.status_code == 303
    certification = ListingCertification.objects.get(listing=draft_listing)
    assert (certification.kind, certification.certificate_number) == (
        Certification.GREEN_FOOD,
        "LB-18-1234567890",
    )
    assert "LB-18-1234567890" in seller_client.get(response["Location"]).content.decode()

    removed = seller_client.post(
        url("seller_certification_remove", draft_listing.pk, certification.pk)
    )
    assert removed.status_code == 303
    assert not ListingCertification.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"kind": Certification.GREEN_FOOD, "certificate_number": "LB-2"},
            MSG_CERTIFICATION_DUPLICATE % {"kind": "绿色食品"},
        ),
        ({"kind": Certification.ORGANIC, "certificate_number": ""}, "必须填写证书编号"),
    ],
)
def test_certification_refusals_are_400_with_nothing_changed(
    seller_client, draft_listing, data, message
):
    ListingCertificationFactory(listing=draft_listing, kind=Certification.GREEN_FOOD)
    before = farmers_snapshot()

    response = seller_client.post(url("seller_certification_add", draft_listing.pk), data)

    assert response.status_code == 400
    assert str(message) in response.content.decode()
    assert farmers_snapshot() == before


def test_seller_records_a_traceability_batch(seller_client, approved_listing):
    response = seller_client.post(
        url("seller_batch_add", approved_listing.pk),
        {
            "batch_code": "AJ-2026-0001",
            "harvest_date": "2026-04-02",
            "plot": "大溪村3号茶园",
            "inputs_note": "有机肥两次。",
        },
    )

    assert response.status_code == 303
    batch = TraceabilityBatch.objects.get(listing=approved_listing)
    assert (batch.batch_code, batch.harvest_date) == ("AJ-2026-0001", dt.date(2026, 4, 2))
    page = seller_client.get(response["Location"]).content.decode()
    assert url("trace", batch.code) in page


def test_a_batch_code_in_use_is_refused(seller_client, draft_listing):
    TraceabilityBatchFactory(batch_code="AJ-2026-0001")
    before = farmers_snapshot()

    response = seller_client.post(
        url("seller_batch_add", draft_listing.pk),
        {"batch_code": "AJ-2026-0001", "harvest_date": "2026-04-02"},
    )

    assert response.status_code == 400
    assert str(MSG_BATCH_CODE_TAKEN % {"code": "AJ-2026-0001"}) in response.content.decode()
    assert farmers_snapshot() == before


# ------------------------------------------------------------------------------
# Orders and statement
# ------------------------------------------------------------------------------
def test_orders_page_shows_an_empty_state_until_orders_exist(seller_client):
    response = seller_client.get(url("seller_orders"))

    assert response.status_code == 200
    assert "还没有订单" in response.content.decode()


def test_statement_shows_sold_commission_and_payable(seller_client, seller):
    seller.bank_name, seller.bank_account_last4 = "农商银行", "1234"
    seller.save()

    response = seller_client.get(url("seller_statement") + "?from=2026-09-01&to=2026-09-30")

    html = response.content.decode()
    assert response.status_code == 200
    for label in ("销售额", "平台佣金", "应付给您"):
        assert label in html
    assert html.count("¥0.00") == 3
    assert "这段时间还没有成交" in html
    assert 'value="2026-09-01"' in html and 'value="2026-09-30"' in html
    assert "农商银行 尾号 1234" in html


def test_statement_with_bad_dates_shows_this_month(seller_client):
    response = seller_client.get(url("seller_statement") + "?from=soon&to=2026-01-01")

    assert response.status_code == 200
    assert response.context["statement"].date_to == dt.date.today()


def test_seller_statement_sums_the_sellers_ledger_entries_in_the_period(
    seller_client, seller, other_seller
):
    from county_sites.ledger.models import LedgerEntry

    kinds = LedgerEntry.Kind
    in_period = dt.datetime(2026, 9, 30, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    before = dt.datetime(2026, 8, 31, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    for kind, amount, who, at in [
        (kinds.SELLER_PAYABLE, 11500, seller, in_period),
        (kinds.COMMISSION, 500, seller, in_period),
        (kinds.SELLER_PAYABLE, -2300, seller, in_period),  # a refund books the split back
        (kinds.COMMISSION, -100, seller, in_period),
        (kinds.SELLER_PAYABLE, 99900, seller, before),
        (kinds.SELLER_PAYABLE, 7700, other_seller, in_period),
        (kinds.PAYOUT, 5000, seller, in_period),
    ]:
        LedgerEntry.objects.create(kind=kind, amount_fen=amount, seller=who, created_at=at)

    statement = seller_statement(
        seller=seller, date_from=dt.date(2026, 9, 1), date_to=dt.date(2026, 9, 30)
    )
    page = seller_client.get(url("seller_statement") + "?from=2026-09-01&to=2026-09-30")

    assert (statement.sold_fen, statement.commission_fen, statement.payable_fen) == (
        9600,
        400,
        9200,
    )
    html = page.content.decode()
    assert "¥96.00" in html and "¥4.00" in html and "¥92.00" in html
