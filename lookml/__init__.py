"""The LookML generator: views, explores, a model and dashboards from the dbt manifest.

Reads dbt's ``manifest.json`` and knows Looker, not Zoho. Built in the LookML issue; empty until then.
"""
