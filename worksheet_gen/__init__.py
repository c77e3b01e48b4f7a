"""worksheet-gen: print-ready worksheets and their answer keys from YAML sources."""

__version__ = "0.1.0"

from . import later as _later

_later.dataclasses()  # without inspect, which nothing of a build asks for (about 5 ms of every run)
_later.stdlib()  # urllib.parse (pathlib's) without ipaddress
