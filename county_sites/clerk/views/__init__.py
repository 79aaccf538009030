"""The clerk's console on a county host (/clerk/): a shared tablet at the village store, no
JavaScript needed.

Only a signed-in active clerk of an open service point gets in, and sees that point only:
anyone not signed in goes to the phone login and comes back here; a signed-in user who is not
(or no longer) such a clerk gets a 403 page that says why.

One module per flow; every page is wrapped in base.clerk_required, which puts the clerk's point
on `request.point`.
"""

from county_sites.clerk.views.base import clerk_required
from county_sites.clerk.views.commissions import console_commissions
from county_sites.clerk.views.handover import console_handover
from county_sites.clerk.views.home import console_home
from county_sites.clerk.views.lists import console_list
from county_sites.clerk.views.order import (
    order_basket,
    order_basket_set,
    order_cancel,
    order_confirm,
    order_find,
    order_resend,
    order_send,
    order_status,
)
from county_sites.clerk.views.overdue import console_overdue, console_return
from county_sites.clerk.views.receive import console_receive, console_receive_list
from county_sites.clerk.views.till import console_till, console_till_close, console_till_handover
from county_sites.clerk.views.villagers import (
    console_villager,
    console_villager_confirm,
    console_villager_consent,
    console_villager_consent_photo,
    console_villager_list_produce,
    console_villager_register,
    console_villagers,
)

__all__ = [
    "clerk_required",
    "console_commissions",
    "console_handover",
    "console_home",
    "console_list",
    "console_overdue",
    "console_receive",
    "console_receive_list",
    "console_return",
    "console_till",
    "console_till_close",
    "console_till_handover",
    "console_villager",
    "console_villager_confirm",
    "console_villager_consent",
    "console_villager_consent_photo",
    "console_villager_list_produce",
    "console_villager_register",
    "console_villagers",
    "order_basket",
    "order_basket_set",
    "order_cancel",
    "order_confirm",
    "order_find",
    "order_resend",
    "order_send",
    "order_status",
]
