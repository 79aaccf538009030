"""The clerk's console on a county host (/clerk/): a shared tablet at the village store, no
JavaScript needed.

Only a signed-in active clerk of an open service point gets in, and sees that point only:
anyone not signed in goes to the phone login and comes back here; a signed-in user who is not
(or no longer) such a clerk gets a 403 page that says why.

One module per flow; every page is wrapped in base.clerk_required, which puts the clerk's point
on `request.point`.
"""

from county_sites.clerk.views.base import clerk_required
from county_sites.clerk.views.handover import console_handover
from county_sites.clerk.views.home import console_home
from county_sites.clerk.views.receive import console_receive, console_receive_list

__all__ = [
    "clerk_required",
    "console_handover",
    "console_home",
    "console_receive",
    "console_receive_list",
]
