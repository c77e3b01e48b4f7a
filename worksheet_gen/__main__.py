"""Allow `python -m worksheet_gen`."""

from .quickcli import entry

if __name__ == "__main__":  # not when a worker process re-imports it
    entry()
