"""The fakes and the demo world: what the demo and the tests run the product against, not the product.

- ``ml_connector_fakes.world``: the generated books of three organizations (reference data, document
  builders, the year's plan) and the posting rules of Zoho's own ledger over them.
- ``ml_connector_fakes.zoho``: the Zoho Books sandbox serving those books over real HTTP on loopback.
- ``ml_connector_fakes.looker``: a fake Looker (API 4.0) reading LookML from a local git repository.

The product (``loader``, ``lookml``) imports this package only from its demo command; this package imports
nothing of the product.
"""
