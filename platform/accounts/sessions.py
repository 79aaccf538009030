"""What accounts keeps in the session that other apps may read."""

# The mobile number this session proved it holds with an SMS code; other apps may trust it
# (farmers: a seller registered at a service point claims their seller account with it).
SESSION_VERIFIED_MOBILE = "accounts_verified_mobile"
