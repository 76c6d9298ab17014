"""Read models: projections of the event log (receivables, ledger, inbox) land here."""
