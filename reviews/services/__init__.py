"""Every write of the joint review, one module per kind of thing. Functions take `actor`
(a person), never a request; each says its side effects in order in its docstring."""
