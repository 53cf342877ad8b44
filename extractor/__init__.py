"""litextract: LLM-assisted, evidence-grounded data extraction for systematic reviews."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("litextract")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
