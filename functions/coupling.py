"""(placeholder: filled in by the coupling work)."""

__all__: list[str] = []
