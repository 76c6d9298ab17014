"""The states a contract passes: draft → review → signed → executing → accepted → paid."""

DRAFT = "draft"
REVIEW = "review"
SIGNED = "signed"
EXECUTING = "executing"
ACCEPTED = "accepted"
PAID = "paid"
TERMINATED = "terminated"

ALL = (DRAFT, REVIEW, SIGNED, EXECUTING, ACCEPTED, PAID, TERMINATED)
