"""Net positions and a netting plan: who pays whom so every council ends at exactly its net position."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Transfer:
    payer: int
    payee: int
    amount: Decimal


def net_positions(debts: list[tuple[int, int, Decimal]]) -> dict[int, Decimal]:
    """From (debtor, creditor, amount) rows, each council's net position: positive is owed to it."""
    positions: dict[int, Decimal] = {}
    for debtor, creditor, amount in debts:
        positions[debtor] = positions.get(debtor, Decimal("0")) - amount
        positions[creditor] = positions.get(creditor, Decimal("0")) + amount
    return positions


def netting_plan(positions: dict[int, Decimal]) -> list[Transfer]:
    """Settle every position, largest debtor to largest creditor first: at most n-1 transfers (one per
    council fewer than those with a non-zero position), and never more than paying each invoice."""
    if sum(positions.values(), Decimal("0")) != 0:
        raise ValueError("Positions must sum to zero")
    debtors = sorted(((-v, c) for c, v in positions.items() if v < 0), reverse=True)
    creditors = sorted(((v, c) for c, v in positions.items() if v > 0), reverse=True)
    plan: list[Transfer] = []
    d = c = 0
    debtors = [list(x) for x in debtors]
    creditors = [list(x) for x in creditors]
    while d < len(debtors) and c < len(creditors):
        amount = min(debtors[d][0], creditors[c][0])
        plan.append(Transfer(payer=debtors[d][1], payee=creditors[c][1], amount=amount))
        debtors[d][0] -= amount
        creditors[c][0] -= amount
        if debtors[d][0] == 0:
            d += 1
        if creditors[c][0] == 0:
            c += 1
    return plan
