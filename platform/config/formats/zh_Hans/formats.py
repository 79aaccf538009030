"""Date formats for zh-hans that differ from Django's (FORMAT_MODULE_PATH): Django's month-day
format pads the month ("04月1日"); people write 4月1日. Anything not named here is Django's."""

MONTH_DAY_FORMAT = "n月j日"
