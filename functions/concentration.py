"""(placeholder: filled in by the concentration work)."""

from ._eg import ellison_glaeser, maurel_sedillot

__all__: list[str] = ["ellison_glaeser", "maurel_sedillot"]
