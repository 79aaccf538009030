"""Numbers people type, bounded before they reach a column (issue 12): a quantity or stock
beyond PostgreSQL's integer range would be a database error (500) instead of a refusal."""

# PostgreSQL integer: every quantity, stock and amount-in-fen column.
DB_INT_MAX = 2**31 - 1
# One order line: more than any village shop or co-operative sells in one go, and small enough
# that quantity x the highest price still fits an order's total (checked at placing too).
QUANTITY_MAX = 99_999
# A listing's stock (and its minimum order): ten million units of anything is a typo.
STOCK_MAX = 9_999_999
