"""(placeholder: filled in by the evaluation work)."""

__all__: list[str] = []
