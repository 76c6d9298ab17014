"""The contract and complaint domain: aggregates, lifecycles and rules; no HTTP, no SQL."""
