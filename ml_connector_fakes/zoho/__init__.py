"""The Zoho Books sandbox: the demo world's books served over real HTTP on loopback, with Zoho's API shapes,
errors, limits, quirks, injected faults and signed webhooks. ``python -m ml_connector_fakes.zoho serve`` runs
it in the foreground."""
