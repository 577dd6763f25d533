"""(placeholder: filled in by the concentration work)."""

__all__: list[str] = []
