"""Who may do what with sellers and listings, checked by farmers.services (never only by views).

A seller acts on their own listings through their own account; a county operator (member of
the county operator group, or a superuser) may act for any seller of their county; approving
and rejecting need the `farmers.moderate_listing` permission, which the operator group has.
Counties are apart by schema: a user of county A does not exist in county B at all.
"""

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
