"""Complaints: the closed loop of receipt, handling and revisit (SPEC §3)."""
