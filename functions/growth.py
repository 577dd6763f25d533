"""(placeholder: filled in by the growth work)."""

__all__: list[str] = []
