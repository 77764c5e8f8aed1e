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


EXACT_LIMIT = 14  # councils with a non-zero position; beyond this the exact search takes too long


def netting_plan(positions: dict[int, Decimal]) -> list[Transfer]:
    """Settle every position with the fewest transfers.

    The fewest is (councils with a non-zero position) − (the most groups they split into whose positions
    each sum to zero): each group is settled on its own with one transfer fewer than its members. Up to
    EXACT_LIMIT councils the groups are found exactly (a dynamic programme over subsets, O(n·2ⁿ)); above
    it, exactly matching debts are paired first and the rest is settled largest to largest, which never
    takes more than n − 1 transfers."""
    if sum(positions.values(), Decimal("0")) != 0:
        raise ValueError("Positions must sum to zero")
    active = sorted((c, v) for c, v in positions.items() if v != 0)
    groups = _zero_sum_groups(active) if len(active) <= EXACT_LIMIT else _pair_exact_matches(active)
    plan: list[Transfer] = []
    for group in groups:
        plan += _greedy(group)
    return plan


def _zero_sum_groups(active: list[tuple[int, Decimal]]) -> list[list[tuple[int, Decimal]]]:
    n = len(active)
    if n == 0:
        return []
    full = (1 << n) - 1
    total = [Decimal("0")] * (1 << n)
    best = [0] * (1 << n)
    for mask in range(1, full + 1):
        low = (mask & -mask).bit_length() - 1
        total[mask] = total[mask & (mask - 1)] + active[low][1]
        best[mask] = max(best[mask ^ (1 << i)] for i in range(n) if mask >> i & 1) + (1 if total[mask] == 0 else 0)
    # Walk back from the full set, removing members in an order in which the zero-sum groups are contiguous.
    order, mask = [], full
    while mask:
        bonus = 1 if total[mask] == 0 else 0
        i = next(i for i in range(n) if mask >> i & 1 and best[mask ^ (1 << i)] + bonus == best[mask])
        order.append(i)
        mask ^= 1 << i
    groups, current, running = [], [], Decimal("0")
    for i in reversed(order):
        current.append(active[i])
        running += active[i][1]
        if running == 0:
            groups.append(current)
            current = []
    return groups


def _pair_exact_matches(active: list[tuple[int, Decimal]]) -> list[list[tuple[int, Decimal]]]:
    creditors: dict[Decimal, list] = {}
    for c, v in active:
        if v > 0:
            creditors.setdefault(v, []).append((c, v))
    groups, rest = [], []
    for c, v in active:
        if v < 0 and creditors.get(-v):
            groups.append([(c, v), creditors[-v].pop()])
        elif v < 0:
            rest.append((c, v))
    rest += [pair for pairs in creditors.values() for pair in pairs]
    return [*groups, rest] if rest else groups


def _greedy(group: list[tuple[int, Decimal]]) -> list[Transfer]:
    """Largest debtor pays largest creditor until the group is settled: len(group) − 1 transfers at most."""
    debtors = sorted(((-v, c) for c, v in group if v < 0), reverse=True)
    creditors = sorted(((v, c) for c, v in group if v > 0), reverse=True)
    owes = [amount for amount, _ in debtors]  # what each debtor still pays, in that order
    owed = [amount for amount, _ in creditors]  # what each creditor is still paid
    plan: list[Transfer] = []
    d = k = 0
    while d < len(debtors) and k < len(creditors):
        amount = min(owes[d], owed[k])
        plan.append(Transfer(payer=debtors[d][1], payee=creditors[k][1], amount=amount))
        owes[d] -= amount
        owed[k] -= amount
        if owes[d] == 0:
            d += 1
        if owed[k] == 0:
            k += 1
    return plan
