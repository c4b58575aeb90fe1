"""Polite, resumable collectors for public judgment and procuratorate sources (see scrapers/README.md)."""

__version__ = "0.1"
