"""Result types, one module per command; `to_dict()` of each is its JSON document."""
