"""Who is acting: a user id and roles, taken from the token, never from a request body."""

from __future__ import annotations

from dataclasses import dataclass

SALES = "sales"
CONTRACT_SPECIALIST = "contract_specialist"
FINANCE = "finance"
MANAGER = "manager"
DIRECTOR = "director"
CUSTOMER_SERVICE = "customer_service"
AUDITOR = "auditor"

ROLES = frozenset(
    {SALES, CONTRACT_SPECIALIST, FINANCE, MANAGER, DIRECTOR, CUSTOMER_SERVICE, AUDITOR}
)


@dataclass(frozen=True)
class Actor:
    id: str
    roles: frozenset[str]
    # Roles lent to them today, as (delegator, role) (SPEC §2.2): what they may decide on
    # another's behalf. Read to offer actions; a decision checks the delegation itself.
    lent: frozenset[tuple[str, str]] = frozenset()

    def with_loans(self, lent: frozenset[tuple[str, str]]) -> Actor:
        return Actor(self.id, self.roles, lent)

    def has(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)

    @property
    def sees_own_contracts_only(self) -> bool:
        """SPEC §7: a user whose only contract role is `sales` sees own contracts only."""
        return self.roles.isdisjoint(ROLES - {SALES, CUSTOMER_SERVICE}) and SALES in self.roles
