"""The core both halves stand on: the brand charter, the store, network profiles, limits, errors, settings, the model and prompts, and text helpers."""
