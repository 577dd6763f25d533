"""(placeholder: filled in by the weights work)."""

__all__: list[str] = []
