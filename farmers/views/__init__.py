"""Views of farmers: the public traceability pages (trace), the seller's own pages (seller),
the county admin's bulk import pages (imports) and the one way a listing photo file is sent to
a signed-in seller or operator (photos)."""
