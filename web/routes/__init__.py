"""One router per group of pages."""
