"""HTTP API, CLI and authentication: turns requests into application calls and back."""
