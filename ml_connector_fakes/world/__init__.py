"""The demo world: three organizations' books, generated from a seed, and the rows of Zoho's own ledger.

Deterministic: the same seed, size and period give the same books, byte for byte. Nothing here serves
HTTP; ``ml_connector_fakes.zoho`` serves these books.
"""
