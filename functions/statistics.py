"""(placeholder: filled in by the statistics work)."""

__all__: list[str] = []
