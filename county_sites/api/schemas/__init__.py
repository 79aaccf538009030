"""What the API reads and answers, one module per resource, as django-ninja Schemas.

Views return the models the selectors loaded (with their relations, so nothing queries per
item) and each route declares its response schema: the schema's fields and `resolve_*`
methods turn those objects into JSON.

Money is integer fen (`*_fen`) with a display string beside it (`*_display`, "¥12.50", from
core.money.yuan_sign). Labels (`*_label`) are in the request's language.
"""
