"""The ``samlad`` command."""
