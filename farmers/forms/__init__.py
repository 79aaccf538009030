"""Forms of farmers: the seller's own pages (seller), the county admin's seller forms
(seller_admin) and the bulk import's upload (imports). They only parse input; saving goes
through farmers.services and farmers.imports."""
