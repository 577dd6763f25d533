"""(placeholder: Ellison–Glaeser and Maurel–Sédillot, re-exported by agglo.concentration)."""


def ellison_glaeser(*args, **kwargs):
    raise NotImplementedError


def maurel_sedillot(*args, **kwargs):
    raise NotImplementedError
