"""Zoho Books webhooks: verified, stored durably and idempotently, applied as debounced targeted syncs.

Modules: ``signature`` (HMAC check), ``payload`` (what a delivery says), ``store`` (the event log in the
warehouse), ``receiver`` (the Starlette app), ``applier`` (the apply interface and coalescing), ``worker``
(debounce, retries), ``service`` (``ml-connector serve``).
"""
