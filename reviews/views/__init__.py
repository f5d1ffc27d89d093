"""Review pages. Each view loads through a selector, checks a permission, calls one
service, and renders or redirects. Another institution's object is a 404, the wrong role
a 403."""
