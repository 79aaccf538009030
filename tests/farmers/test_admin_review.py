"""The review queue in the county Wagtail admin: list, approve, reject, bulk approve."""

from django_tenants.utils import tenant_context

from farmers.models import Listing, ModerationDecision, Seller
from tests.factories.farmers import ListingFactory, SellerFactory
from tests.fixtures.farmers import farmers_snapshot

QUEUE = "/admin/listings/"


def test_the_queue_lists_submitted_listings_for_an_operator(operator_client, in_county):
    ListingFactory(title="待审的笋干", submitted=True)
    ListingFactory(title="已上架的鸡蛋", approved=True)
    ListingFactory(title="还在草稿的白菜")

    submitted = operator_client.get(QUEUE, {"state": "submitted"})
    everything = operator_client.get(QUEUE)

    assert submitted.status_code == 200
    html = submitted.content.decode()
    assert "待审的笋干" in html
    assert "已上架的鸡蛋" not in html
    assert "data-bulk-action-checkbox" in html
    assert "/admin/bulk/farmers/listing/approve/" in html
    assert "已上架的鸡蛋" in everything.content.decode()
    # Drafts are the seller's own until submitted.
    assert "还在草稿的白菜" not in everything.content.decode()


def test_the_queue_filters_by_category_village_and_seller(operator_client, in_county):
    tea_seller = SellerFactory(name="茶农老周")
    ListingFactory(title="白茶", seller=tea_seller, origin_village="黄杜村", submitted=True)
    ListingFactory(title="笋干", origin_village="大溪村", submitted=True)
    tea = Listing.objects.get(title="白茶").category_id

    by_seller = operator_client.get(QUEUE, {"seller": tea_seller.pk}).content.decode()
    by_village = operator_client.get(QUEUE, {"origin_village": "大溪村"}).content.decode()
    by_category = operator_client.get(QUEUE, {"category": tea}).content.decode()

    assert "白茶" in by_seller and "笋干" not in by_seller
    assert "笋干" in by_village and "白茶" not in by_village
    assert "白茶" in by_category


def test_the_listing_page_shows_its_decision_log(operator_client, in_county, operator):
    listing = ListingFactory(title="高山笋干", submitted=True)
    ModerationDecision.objects.create(
        listing=listing,
        action="submitted",
        from_state="draft",
        to_state="submitted",
        actor=listing.seller.user,
    )

    response = operator_client.get(f"{QUEUE}inspect/{listing.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "高山笋干" in html
    assert html.count('class="decision"') == 1
    assert listing.seller.user.username in html
    assert 'value="approve"' in html


def test_an_operator_approves_from_the_admin(operator_client, in_county, operator):
    listing = ListingFactory(title="高山笋干", submitted=True)

    response = operator_client.post(f"{QUEUE}moderate/{listing.pk}/", {"action": "approve"})

    assert response.status_code == 302
    assert response["Location"] == f"{QUEUE}?state=submitted"
    listing.refresh_from_db()
    assert listing.state == Listing.State.APPROVED
    assert list(
        ModerationDecision.objects.filter(listing=listing).values_list("action", "actor")
    ) == [("approved", operator.pk)]


def test_an_operator_rejects_with_a_reason_from_the_admin(operator_client, in_county):
    listing = ListingFactory(title="高山笋干", submitted=True)

    response = operator_client.post(
        f"{QUEUE}moderate/{listing.pk}/", {"action": "reject", "reason": "照片不清楚"}
    )

    assert response.status_code == 302
    listing.refresh_from_db()
    assert (listing.state, listing.rejection_reason) == ("rejected", "照片不清楚")


def test_a_refused_decision_in_the_admin_shows_why_and_changes_nothing(operator_client, in_county):
    listing = ListingFactory(title="高山笋干", submitted=True)
    before = farmers_snapshot()

    response = operator_client.post(f"{QUEUE}moderate/{listing.pk}/", {"action": "reject"})

    assert response.status_code == 409
    assert "驳回时必须填写原因" in response.content.decode()
    assert farmers_snapshot() == before


def test_bulk_approve_asks_then_approves_each(operator_client, in_county, operator):
    first = ListingFactory(title="笋干", submitted=True)
    second = ListingFactory(title="鸡蛋", submitted=True)
    live = ListingFactory(title="白茶", approved=True)
    url = (
        f"/admin/bulk/farmers/listing/approve/?id={first.pk}&id={second.pk}&id={live.pk}"
        f"&next={QUEUE}"
    )

    confirm = operator_client.get(url)
    # Factory listings have no photo: flagged, approved once the operator says they looked.
    done = operator_client.post(url, {"approve_flagged": "on"})

    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "笋干" in html and "鸡蛋" in html
    assert "将被跳过" in html
    assert done.status_code == 302
    assert set(
        Listing.objects.filter(pk__in=[first.pk, second.pk]).values_list("state", flat=True)
    ) == {"approved"}
    assert list(
        ModerationDecision.objects.order_by("listing_id").values_list("listing_id", "actor")
    ) == [(first.pk, operator.pk), (second.pk, operator.pk)]


def test_an_operator_edits_a_live_listing_text_and_it_returns_to_review(operator_client, in_county):
    listing = ListingFactory(title="高山笋干", approved=True)
    form = {
        "title": "高山笋干（新）",
        "description": listing.description,
        "category": listing.category_id,
        "unit": listing.unit,
        "price_fen": listing.price_fen,
        "stock": listing.stock,
        "min_order_qty": 1,
        "harvest_start": "",
        "harvest_end": "",
        "origin_village": listing.origin_village,
    }

    response = operator_client.post(f"{QUEUE}edit/{listing.pk}/", form)

    assert response.status_code == 302
    listing.refresh_from_db()
    assert (listing.title, listing.state) == ("高山笋干（新）", "submitted")
    assert ModerationDecision.objects.get(listing=listing).action == "returned_to_review"


def test_an_operator_registers_a_seller_on_paper_consent(operator_client, in_county, operator):
    response = operator_client.post(
        "/admin/sellers/new/",
        {
            "kind": "farmer",
            "name": "赵师傅",
            "mobile": "13905729999",
            "village": "大溪村",
            "registered_by_point": "",
            "bank_name": "农业银行",
            "bank_account_number": "6228480012345678",
            "consent_method": "paper_form",
        },
    )

    assert response.status_code == 302
    seller = Seller.objects.get(mobile="13905729999")
    assert (seller.consent_method, seller.consent_recorded_by, seller.bank_account_last4) == (
        "paper_form",
        operator,
        "5678",
    )


def test_a_seller_account_cannot_open_the_review_queue(county_client, seller):
    county_client.force_login(seller.user)

    assert county_client.get(QUEUE).status_code == 302  # to the admin login


def test_county_a_operator_session_does_not_reach_county_b_queue(
    operator_client, other_county_client, other_county
):
    with tenant_context(other_county):
        foreign = ListingFactory(title="千岛湖鱼干", submitted=True)
    other_county_client.cookies = operator_client.cookies

    queue = other_county_client.get(QUEUE, {"state": "submitted"})
    approve = other_county_client.post(f"{QUEUE}moderate/{foreign.pk}/", {"action": "approve"})

    assert queue.status_code == 302
    assert approve.status_code == 302
    assert "/admin/login/" in approve["Location"]
    with tenant_context(other_county):
        assert Listing.objects.get(pk=foreign.pk).state == "submitted"
        assert not ModerationDecision.objects.filter(listing_id=foreign.pk).exists()
