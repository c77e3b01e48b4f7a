"""Allow `python -m worksheet_gen`."""

from .cli import main

main()
