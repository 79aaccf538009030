"""Signing in with a mobile number and an SMS code, for a bearer token."""

import datetime as dt
from typing import Literal

from ninja import Schema


class SmsCodeIn(Schema):
    mobile: str


# From the SmsCode row accounts.services.sms_code_request made.
class SmsCodeOut(Schema):
    mobile: str
    expires_at: dt.datetime


class TokenIn(Schema):
    mobile: str
    code: str


class UserOut(Schema):
    id: int
    mobile: str


# From {"token": the token itself, "token_type": "Bearer", "user": the User}.
class TokenOut(Schema):
    token: str
    token_type: Literal["Bearer"]
    user: UserOut
