"""The service (`ml-connector serve`): webhooks received, stored and applied, and the schedule."""
