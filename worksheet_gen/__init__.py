"""worksheet-gen: print-ready worksheets and their answer keys from YAML sources."""

__version__ = "0.1.0"
