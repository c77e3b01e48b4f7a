"""Layout: styles, small flowables and the story of a fiche (student or corrigé view)."""
