"""The coordination service: one shared case per person, folded from all agencies."""
