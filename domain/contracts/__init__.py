"""Contracts: the aggregate, its lifecycle table, rules, routing, terms and commands (SPEC §2)."""
