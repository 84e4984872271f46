"""mockloop: rehearse PM, PMM and TPM interview loops in the terminal."""

__version__ = "0.1.0"
__all__ = ["__version__"]
