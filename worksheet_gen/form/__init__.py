"""The fillable form: what its fields are (plan), reading filled forms back (read), the table of answers (results)."""
