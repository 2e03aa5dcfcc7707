"""The package version, on its own: any module can import it without the package API."""

__version__ = "0.1.0"
