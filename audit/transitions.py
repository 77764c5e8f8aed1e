"""One way to change a status, for every status field in the service.

A model declares its field's allowed moves with `Moves` beside the field; its Meta turns them into a
database trigger (django-pgtrigger's FSM), so the database refuses any other move, whoever writes. A
service moves an object through the app's `StateMachine`, which checks the move, writes the history
row (where the app keeps one) and the audit event, and sets the field; the caller saves. Templates ask
the model's `can_…` properties, which read the same map.

Moves to the same state are no-ops to the trigger (it fires on a change) and must be listed to be
allowed by the service (a profile re-approved with a new cap is approved -> approved).
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import pgtrigger
from django.db import models

from core.errors import DomainError

from .services import audit_record

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Moves:
    """A status field and its allowed moves, {from: {to, ...}}; a state with no entry is final."""

    field: str
    allowed: Mapping[str, frozenset[str]]

    @classmethod
    def of(cls, field: str, allowed: Mapping[str, Iterable[str]]) -> "Moves":
        return cls(field=field, allowed={str(k): frozenset(str(v) for v in vs) for k, vs in allowed.items()})

    def can(self, current: str, to: str) -> bool:
        return to in self.allowed.get(current, frozenset())

    def sources(self, to: str) -> set[str]:
        """The states from which `to` may be reached."""
        return {state for state, targets in self.allowed.items() if to in targets}

    def pairs(self) -> list[tuple[str, str]]:
        return sorted((a, b) for a, targets in self.allowed.items() for b in targets if a != b)

    def trigger(self, name: str) -> pgtrigger.FSM:
        """The database's copy of this map: an UPDATE that changes the field to a pair not listed fails."""
        return pgtrigger.FSM(name=name, field=self.field, transitions=self.pairs())


History = Callable[[Any, str, str, Any, str], object]


@dataclass(frozen=True)
class StateMachine(Generic[M]):
    """How one app moves one status field: the map, the refusal its people read, the history row and
    the audit event. `audit_action` None: the move is recorded by the event of the move that caused it
    (a slot held by a booking request is in the booking's event)."""

    moves: Moves
    labels: type[models.TextChoices]
    error: type[DomainError]
    noun: str  # "This booking"
    audit_action: str | None = None  # "booking" -> "booking.accepted"
    audit_councils: Callable[[M], Iterable[int | None]] = lambda obj: []
    audit_label: Callable[[M], str] = str
    history: History | None = None  # (obj, from, to, by, note) -> a history row
    refusal: Callable[[M, str, str], str] | None = None  # a custom message for a refused move

    def current(self, obj: M) -> str:
        return getattr(obj, self.moves.field)

    def can(self, obj: M, to: str) -> bool:
        return self.moves.can(self.current(obj), to)

    def refuse_unless(self, obj: M, to: str) -> None:
        current = self.current(obj)
        if not self.moves.can(current, to):
            raise self.error(self.refusal(obj, current, to) if self.refusal else self._refusal(current, to))

    def _refusal(self, current: str, to: str) -> str:
        return f"{self.noun} is {self.labels(current).label.lower()}; it cannot become {self.labels(to).label.lower()}."

    def move(
        self,
        obj: M,
        *,
        to: str,
        by: Any = None,
        note: str = "",
        before: dict | None = None,
        after: dict | None = None,
    ) -> str:
        """Check the move, write its history row and audit event, set the field (the caller saves).
        Returns the state moved from."""
        self.refuse_unless(obj, to)
        current = self.current(obj)
        if self.history is not None:
            self.history(obj, current, to, by, note)
        if self.audit_action is not None:
            audit_record(
                actor=by,
                action=f"{self.audit_action}.{to}",
                obj=obj,
                councils=self.audit_councils(obj),
                before={self.moves.field: current, **(before or {})},
                after={self.moves.field: to, **(after or {})},
                note=note,
                label=self.audit_label(obj),
            )
        setattr(obj, self.moves.field, to)
        return current

    def move_many(self, rows: models.QuerySet, *, to: str, read_as: str | None = None, **also: Any) -> int:
        """Move every row of `rows` to `to` in one UPDATE (setting `also` with it), refusing and changing
        nothing if any row is in a state that may not move there. For moves recorded by another object's
        history (see above), or by the row's own timestamps. `read_as`: the state every row is known to be
        in, read by the caller from the rows it holds locked; the move is then checked against the map
        without reading the rows again (the database's trigger still refuses a move outside it)."""
        if read_as is not None:
            if read_as != to and read_as not in self.moves.sources(to):
                raise self.error(self._refusal(read_as, to))
        else:
            stuck = rows.exclude(**{f"{self.moves.field}__in": self.moves.sources(to) | {to}})
            stuck_state = stuck.values_list(self.moves.field, flat=True).first()
            if stuck_state is not None:
                raise self.error(self._refusal(stuck_state, to))
        if also:
            return rows.update(**{self.moves.field: to}, **also)
        return rows.exclude(**{self.moves.field: to}).update(**{self.moves.field: to})
