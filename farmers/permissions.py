"""Who may do what with sellers and listings, checked by farmers.services (never only by views).

A seller acts on their own listings through their own account; a county operator (member of
the county operator group, or a superuser) may act for any seller of their county; approving
and rejecting need the `farmers.moderate_listing` permission, which the operator group has.
Counties are apart by schema: a user of county A does not exist in county B at all.

Someone may also help a seller at a counter (can_help_at_counter): a service-point clerk
registers a farmer as a seller and enters a new listing for them. Who counts is decided above
farmers (service_points knows its clerks and the villagers each point serves), which registers
its rule in its AppConfig.ready(), as the county apps register with core.county_apps, so
farmers imports nothing above it. The help is narrow on purpose: register the seller, create a
listing, add photos to and submit a listing they are entering (still a draft); never edit a
live listing, the seller's details or their payout account, which stay the seller's own.
"""

from collections.abc import Callable

from core.roles import is_county_operator

MODERATE_LISTING = "farmers.moderate_listing"


def can_moderate(user) -> bool:
    return user is not None and user.is_active and user.has_perm(MODERATE_LISTING)


def can_act_for_seller(user, seller) -> bool:
    if user is None or not user.is_active:
        return False
    if seller.user_id is not None and seller.user_id == user.pk:
        return True
    return is_county_operator(user)


# rule(user, *, seller_user_id, listing) -> bool; listing is None when the seller or a new
# listing is being made.
_counter_help_rules: list[Callable[..., bool]] = []


def counter_help_rule_register(rule: Callable[..., bool]) -> None:
    if rule not in _counter_help_rules:
        _counter_help_rules.append(rule)


def can_help_at_counter(user, *, seller_user_id: int | None, listing=None) -> bool:
    """`user` may help the person `seller_user_id` at a counter (see the module's docstring):
    with `listing`, work on that listing while entering it; without, register the seller or
    start a new listing."""
    if user is None or not user.is_active or seller_user_id is None:
        return False
    if listing is not None and listing.state != listing.State.DRAFT:
        return False
    return any(
        rule(user, seller_user_id=seller_user_id, listing=listing) for rule in _counter_help_rules
    )
