"""(placeholder: filled in by the ahp work)."""

__all__: list[str] = []
