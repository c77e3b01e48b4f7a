"""Layout: styles, small flowables and the story of a fiche (student or corrigé view)."""

from .. import quickimport  # noqa: F401,E402  (before any layout module imports reportlab.platypus)
