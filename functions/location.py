"""(placeholder: filled in by the location work)."""

__all__: list[str] = []
