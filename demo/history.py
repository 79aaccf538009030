"""The older orders of a demo county written in bulk (seed_demo --orders, demo.orders).

Played through the services one at a time (demo.orders._order_story), an order costs about a
hundred queries; months of history for a dozen counties would take hours. These orders are
long finished (or nearly: the most recent ones still go through the services), so their rows
are written here in a few INSERTs per chunk: orders, lines, events, the villagers'
confirmations, online payments, hand-overs, refund requests and refunds, and the ledger.

The same plan (demo.orders.OrderPlan) makes the same story: each step at its moment, none
after now. The money is booked exactly as the services book it, by the ledger's own row
builders (county_sites.ledger.services.ledger_receipt_entries, ledger_refund_entries and
point_commissions.ledger_point_commission_entry): the same split, rounding, timestamps per
group and rates (the line's category rate in force when placed, the point's rate when handed
over), so every order's money is in the ledger and every day adds up. Stock is reserved as
order_place reserves it (approved listing, enough stock, at least the minimum; otherwise the
order is refused, as the service would refuse it; a listing short of stock is restocked by its
seller first, see _Writer._reserve) and given back on a cancel; each chunk books its
listings' stock in one UPDATE per listing, never below zero.

What the services do that is left out here: the SMS outbox's texts (nobody is texted by a
demo anyway), and Order.updated_at, which says when the row was written (now).

Each chunk is one transaction: an interrupted run leaves whole orders or none, and the next
run tops up what is missing by the orders' keys, as demo.orders does.
"""

import datetime as dt
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from county_sites.ledger.models import LedgerEntry
from county_sites.ledger.point_commissions import (
    ledger_point_commission_entry,
    ledger_point_commission_reversal_entry,
)
from county_sites.ledger.services import ledger_receipt_entries, ledger_refund_entries
from county_sites.orders.models import (
    Order,
    OrderConfirmation,
    OrderEvent,
    OrderHandover,
    OrderLine,
    RefundRequest,
)
from county_sites.orders.services.assisted import NOTE_CONFIRMED, screen_confirmation_code_hash
from county_sites.payments.models import Payment, Refund
from demo.clock import demo_clock
from farmers.models import Listing
from farmers.services.province import listing_province_sync_queue
from hub.models import County
from hub.selectors.policy import commission_bp_table
from service_points.selectors import point_commission_rate, service_point_settings_get

# The buyer's words in the story's cancels and refunds (demo.orders plays them too).
CANCEL_REASON = "买错了"
REFUND_REASON = "有几个坏了"
CHUNK = 250  # orders per transaction (and per tick of the progress bar)
RESTOCK = 300  # units a seller adds to a listing that runs short
S = Order.State


@dataclass
class HistoryResult:
    created: int = 0
    refused: int = 0  # a listing no longer approved, or below its minimum: as order_place
    restocked: int = 0  # times a listing ran short and its seller restocked it


@dataclass
class _Written:
    """One order's rows before they are inserted, in the order they must be."""

    order: Order
    lines: list = field(default_factory=list)
    events: list = field(default_factory=list)  # (from, to, actor, note, at)
    confirmation: OrderConfirmation | None = None
    payment: Payment | None = None
    handover: OrderHandover | None = None
    handover_at: dt.datetime | None = None
    request: RefundRequest | None = None
    approve_at: dt.datetime | None = None
    paid_at: dt.datetime | None = None


def demo_history_write(
    plans, *, context, now: dt.datetime, tick: Callable[[int], None] | None = None
) -> HistoryResult:
    """Write the orders of `plans` (oldest first) in bulk; call inside the county's schema.
    `tick(count)` after each chunk of `count` orders."""
    result = HistoryResult()
    listings = {
        row["pk"]: row
        for row in Listing.objects.filter(pk__in=[pk for pk, _minimum in context.listings])
        .values("pk", "state", "stock", "min_order_qty", "price_fen", "title", "unit",
                "seller_id", "category_id")
    }  # fmt: skip
    taken_numbers = set(Order.objects.values_list("number", flat=True))
    open_codes = set(
        Order.objects.filter(state__in=Order.OPEN_STATES)
        .exclude(pickup_code="")
        .values_list("pickup_code", flat=True)
    )
    writer = _Writer(
        context=context,
        now=now,
        listings=listings,
        taken_numbers=taken_numbers,
        open_codes=open_codes,
        county=_current_county(),
        hold=dt.timedelta(minutes=service_point_settings_get().confirmation_minutes),
    )
    for start in range(0, len(plans), CHUNK):
        chunk = plans[start : start + CHUNK]
        with transaction.atomic():
            created, refused = writer.chunk_write(chunk)
        result.created += created
        result.refused += refused
        if tick is not None:
            tick(len(chunk))
    result.restocked = writer.restocked
    return result


def _current_county() -> County | None:
    tenant = getattr(connection, "tenant", None)
    return tenant if isinstance(tenant, County) else None


class _Writer:
    def __init__(self, *, context, now, listings, taken_numbers, open_codes, county, hold):
        self.context, self.now, self.listings = context, now, listings
        self.taken_numbers, self.open_codes = taken_numbers, open_codes
        self.county, self.hold = county, hold
        self.restocked = 0

    # -- one chunk -----------------------------------------------------------------------
    def chunk_write(self, plans) -> tuple[int, int]:
        stock_before = {pk: row["stock"] for pk, row in self.listings.items()}
        written, refused = [], 0
        for plan in plans:
            story = self._story(plan)
            if story is None:
                refused += 1
            else:
                written.append(story)
        self._insert(written)
        self._stock_book(stock_before)
        return len(written), refused

    def _reserve(self, wanted: dict[int, int]) -> bool:
        """order_place's reservation, all lines or none. Months of orders would empty the
        hand-written counties' shelves in a few weeks: a listing that runs short is restocked
        first, as its seller would (RESTOCK more), so the history never refuses for stock and
        no stock goes below zero."""
        for pk, quantity in wanted.items():
            row = self.listings.get(pk)
            if row is None or row["state"] != Listing.State.APPROVED:
                return False
            if quantity < row["min_order_qty"]:
                return False
        for pk, quantity in wanted.items():
            row = self.listings[pk]
            if row["stock"] < quantity:
                row["stock"] += max(quantity, RESTOCK)
                self.restocked += 1
            row["stock"] -= quantity
        return True

    def _release(self, wanted: dict[int, int]) -> None:
        for pk, quantity in wanted.items():
            self.listings[pk]["stock"] += quantity

    def _stock_book(self, stock_before: dict[int, int]) -> None:
        touched = []
        for pk, row in self.listings.items():
            taken = stock_before[pk] - row["stock"]
            if not taken:
                continue
            updated = Listing.objects.filter(pk=pk, stock__gte=taken).update(
                stock=F("stock") - taken
            )
            if updated != 1:  # somebody else sold it meanwhile: the chunk is rolled back
                raise RuntimeError(f"listing {pk}: stock changed while the demo wrote it")
            touched.append(pk)
        # The province catalogue shows the stock too (as order_place queues it).
        listing_province_sync_queue(listing_ids=touched)

    # -- one order's story, in memory ----------------------------------------------------
    def _story(self, plan) -> _Written | None:
        wanted: dict[int, int] = {}
        for pk, quantity in plan.lines:
            wanted[pk] = wanted.get(pk, 0) + quantity
        if not self._reserve(wanted):
            return None
        now = self.now
        rng = random.Random(f"history:{plan.key}:{plan.at.isoformat()}")  # noqa: S311
        at = plan.at
        pickup = not plan.delivery
        point = plan.pickup_point if pickup else None
        zone = plan.zone if plan.delivery else None
        fee = zone.fee_fen if zone is not None else 0
        rates = commission_bp_table(
            county=self.county,
            category_ids=[None, *(self.listings[pk]["category_id"] for pk in wanted)],
            at=at,
        )
        lines_total = sum(self.listings[pk]["price_fen"] * q for pk, q in wanted.items())
        order = Order(
            number=self._number(rng, at),
            buyer=plan.buyer,
            entered_by=plan.clerk.user if plan.assisted else None,
            buyer_confirmed_at=None if plan.assisted else at,
            idempotency_key=plan.key,
            fulfilment=Order.Fulfilment.PICKUP if pickup else Order.Fulfilment.DELIVERY,
            service_point=point,
            delivery_zone=zone,
            delivery_address=plan.address if plan.delivery else "",
            contact_mobile=plan.buyer.mobile or "",
            payment_method=plan.payment_method,
            lines_total_fen=lines_total,
            delivery_fee_fen=fee,
            total_fen=lines_total + fee,
            commission_bp=rates[None],
            placed_at=at,
            state=S.PLACED,
        )
        story = _Written(order=order)
        story.lines = [
            OrderLine(
                order=order,
                listing_id=pk,
                seller_id=self.listings[pk]["seller_id"],
                title=self.listings[pk]["title"],
                unit=self.listings[pk]["unit"],
                price_fen=self.listings[pk]["price_fen"],
                quantity=wanted[pk],
                line_total_fen=self.listings[pk]["price_fen"] * wanted[pk],
                commission_bp=rates[self.listings[pk]["category_id"]],
            )
            for pk in sorted(wanted)
        ]
        story.events.append(("", S.PLACED, order.entered_by or plan.buyer, "", at))
        steps = _Clock(at=at, now=now)
        if plan.assisted:
            confirmed = steps.after(minutes=2)
            story.confirmation = OrderConfirmation(
                order=order,
                method=OrderConfirmation.Method.SCREEN,
                code_salt=secrets.token_hex(16),
                created_by=plan.clerk.user,
                created_at=at,
                expires_at=at + self.hold,
                closed_at=confirmed,
                confirmed_at=confirmed,
                confirmed_via=plan.clerk.user,
            )
            order.buyer_confirmed_at = confirmed
            note = gettext(NOTE_CONFIRMED) % {"method": str(OrderConfirmation.Method.SCREEN.label)}
            story.events.append((S.PLACED, S.PLACED, plan.buyer, note, confirmed))
        if pickup:
            order.pickup_code = self._pickup_code(rng)
        self._walk(plan, story, steps, wanted)
        if order.state in Order.OPEN_STATES and order.pickup_code:
            self.open_codes.add(order.pickup_code)
        return story

    def _walk(self, plan, story: _Written, steps: "_Clock", wanted) -> None:
        order, operator = story.order, self.context.operator
        if plan.cancel:
            if steps.reach(minutes=plan.cancel_after):
                self._move(story, S.CANCELLED, plan.buyer, steps.at, note=CANCEL_REASON)
                order.cancelled_at = order.stock_released_at = steps.at
                order.cancel_reason = CANCEL_REASON
                self._release(wanted)
            return
        if not plan.cash:
            if not steps.reach(minutes=plan.pay_after):
                return
            story.paid_at = order.paid_at = steps.at
            self._move(story, S.PAID, None, steps.at)
            story.payment = Payment(
                order=order,
                provider=Order.PaymentMethod.BANK_GATEWAY,
                amount_fen=order.total_fen,
                state=Payment.State.SUCCEEDED,
                bank_trade_no=f"DEMO{order.number}",
                created_at=steps.at,
                succeeded_at=steps.at,
            )
        if not steps.reach(hours=plan.prepare_after):
            return
        self._move(story, S.PREPARING, operator, steps.at)
        if plan.delivery:
            if steps.reach(hours=plan.deliver_after):
                self._move(story, S.DELIVERED, operator, steps.at)
                order.completed_at = steps.at
            return
        if not steps.reach(hours=plan.arrive_after):
            return
        self._move(story, S.AT_SERVICE_POINT, operator, steps.at)
        if not steps.reach(hours=plan.hand_over_after):
            return
        clerk = self.context.point_clerks[order.service_point.pk]
        story.handover_at = steps.at
        story.handover = OrderHandover(
            order=order,
            key=f"{random.Random(plan.key).getrandbits(128):032x}",  # noqa: S311
            handed_by=clerk.user,
            cash_fen=0 if order.is_online else order.total_fen,
            at=steps.at,
        )
        for line in story.lines:
            line.handed_over_at, line.handover = steps.at, story.handover
        self._move(story, S.COLLECTED, clerk.user, steps.at)
        order.completed_at = steps.at
        if plan.refund and steps.reach(hours=plan.refund_after):
            story.request = RefundRequest(
                order=order,
                reason=REFUND_REASON,
                # order_refundable_fen: a cash order's lines (all arrived) and its fee.
                amount_fen=order.total_fen,
                requested_by=plan.buyer,
                requested_at=steps.at,
            )
            order.state_before_refund = S.COLLECTED
            self._move(story, S.REFUND_REQUESTED, plan.buyer, steps.at, note=story.request.reason)
            if steps.reach(hours=plan.approve_after):
                story.approve_at = steps.at
                story.request.state = RefundRequest.State.APPROVED
                story.request.decided_by = operator
                story.request.decided_at = steps.at
                self._move(story, S.REFUNDED, operator, steps.at)

    def _move(self, story: _Written, to_state: str, actor, at, *, note: str = "") -> None:
        story.events.append((story.order.state, to_state, actor, note, at))
        story.order.state = to_state

    def _number(self, rng: random.Random, at: dt.datetime) -> str:
        while True:  # order_place's shape: the local day and eight random digits
            number = f"{timezone.localtime(at):%y%m%d}{rng.randrange(10**8):08d}"
            if number not in self.taken_numbers:
                self.taken_numbers.add(number)
                return number

    def _pickup_code(self, rng: random.Random) -> str:
        while True:  # unique among open orders, as order_place draws it
            code = f"{rng.randrange(10**6):06d}"
            if code not in self.open_codes:
                return code

    # -- the INSERTs -----------------------------------------------------------------------
    def _insert(self, written: list[_Written]) -> None:
        if not written:
            return
        Order.objects.bulk_create([story.order for story in written])
        handovers = [story.handover for story in written if story.handover is not None]
        OrderHandover.objects.bulk_create(handovers)
        OrderLine.objects.bulk_create([line for story in written for line in story.lines])
        OrderEvent.objects.bulk_create(
            [
                OrderEvent(
                    order=story.order,
                    from_state=from_state,
                    to_state=to_state,
                    actor=actor,
                    note=str(note)[:255],
                    at=at,
                )  # fmt: skip
                for story in written
                for from_state, to_state, actor, note, at in story.events
            ]
        )
        confirmations = []
        for story in written:
            confirmation = story.confirmation
            if confirmation is None:
                continue
            confirmation.code_hash = screen_confirmation_code_hash(
                salt=confirmation.code_salt, order_id=story.order.pk
            )
            confirmations.append(confirmation)
        OrderConfirmation.objects.bulk_create(confirmations)
        Payment.objects.bulk_create([story.payment for story in written if story.payment])
        RefundRequest.objects.bulk_create([story.request for story in written if story.request])
        Refund.objects.bulk_create(
            [
                Refund(
                    refund_request=story.request,
                    order=story.order,
                    provider=story.order.payment_method,
                    amount_fen=story.request.amount_fen,
                    state=Refund.State.SUCCEEDED,
                    bank_refund_no=f"CASH-{story.request.pk}",
                    created_at=story.approve_at,
                )
                for story in written
                if story.approve_at is not None
            ]
        )
        LedgerEntry.objects.bulk_create(
            [entry for story in written for entry in self._ledger(story)]
        )

    def _ledger(self, story: _Written) -> list[LedgerEntry]:
        """The entries the services would book for this order, in the order they would."""
        order, entries = story.order, []
        if story.paid_at is not None:
            entries += ledger_receipt_entries(
                order=order, lines=story.lines, cash=False, at=story.paid_at
            )
        if story.handover is not None:
            if not order.is_online:
                entries += ledger_receipt_entries(
                    order=order,
                    lines=story.lines,
                    cash=True,
                    at=story.handover_at,
                    receipt_key=story.handover.key,
                )
            point = order.service_point
            with demo_clock(story.handover_at):  # the point's rate then
                rate = point_commission_rate(point=point)
            accrual = ledger_point_commission_entry(
                order=order,
                point=point,
                rate=rate,
                value_fen=sum(line.line_total_fen for line in story.lines),
                at=story.handover_at,
            )
            if accrual is not None:
                entries.append(accrual)
        if story.approve_at is not None:
            entries += ledger_refund_entries(
                order=order, refund_request=story.request, booked=entries, at=story.approve_at
            )
            clawed = [entry for entry in entries if entry.kind == LedgerEntry.Kind.POINT_COMMISSION]
            for entry in clawed:
                entries.append(ledger_point_commission_reversal_entry(entry, at=story.approve_at))
        return entries


class _Clock:
    """demo.orders._Steps without the clock: the moments of one story, none after now."""

    def __init__(self, *, at: dt.datetime, now: dt.datetime):
        self.at, self.now = at, now

    def after(self, **delta) -> dt.datetime:
        self.at += dt.timedelta(**delta)
        return self.at

    def reach(self, **delta) -> bool:
        at = self.after(**delta)
        if at >= self.now:
            return False
        self.at = at
        return True
