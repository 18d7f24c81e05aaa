"""Queries the ORM builds once per process.

For the short queries every signed-in page runs (is this contact point the user's own?), building the
SQL costs the ORM more than PostgreSQL takes to answer. ``Prepared(build)`` asks the ORM for the SQL and
for how to make objects of its rows once, the first time it is used; after that a call only sends the
SQL with its own values and makes the objects as the ORM would (``select_related`` and annotations
included).

``build(*values)`` returns the query set for those values, each of which must reach the SQL as itself,
as in ``filter(slug=slug)``. To find where each one goes, the query is built twice, with two different
stand-ins for every value: the SQL must come out the same, and the parameters must differ in exactly
the stand-ins' places. A query that does anything else with a value (makes a pattern or a list of it,
changes shape with it) is refused the first time it is used.
"""

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators

M = TypeVar("M", bound=Model)
Value = int | str


def _stand_ins(values: Sequence[Value], turn: int) -> list[Value]:
    """A value of the same type as each of ``values`` that no real one is, different on each turn."""
    made: list[Value] = []
    for index, value in enumerate(values):
        if type(value) is int:
            made.append(-7_000_000_000 - 1000 * turn - index)
        elif type(value) is str:
            made.append(f"\x1fstand-in-{turn}-{index}")
        else:
            raise TypeError(f"a prepared query takes ints and strs, not {type(value).__name__}")
    return made


@dataclass(frozen=True)
class _Statement:
    using: str
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, int], ...]  # (where in the parameters, which value)
    types: tuple[type, ...]
    compiler: Any
    model: type[Model]
    fields: tuple[int, int]  # the model's own columns: from, to
    names: list[str]
    populators: list[Any]
    annotations: dict[str, int]


class Prepared(Generic[M]):
    def __init__(self, build: Callable[..., "QuerySet[M]"]) -> None:
        self._build = build
        self._statement: _Statement | None = None
        self._lock = threading.Lock()

    def all(self, *values: Value) -> list[M]:
        """The objects ``build(*values)`` would give, in its order."""
        statement = self._statement or self._prepare(values)
        if tuple(type(value) for value in values) != statement.types:
            raise TypeError(f"prepared for values of types {statement.types}")
        params = list(statement.params)
        for position, index in statement.slots:
            params[position] = values[index]
        with connections[statement.using].cursor() as cursor:
            cursor.execute(statement.sql, params)
            rows = cursor.fetchall()
        return [self._object(statement, row) for row in statement.compiler.results_iter([rows])]

    def first(self, *values: Value) -> M | None:
        found = self.all(*values)
        return found[0] if found else None

    @staticmethod
    def _object(statement: _Statement, row: Sequence[Any]) -> M:
        start, end = statement.fields
        made = statement.model.from_db(statement.using, statement.names, row[start:end])
        for populator in statement.populators:
            populator.populate(row, made)
        for name, position in statement.annotations.items():
            setattr(made, name, row[position])
        return made  # type: ignore[return-value]

    def _prepare(self, values: Sequence[Value]) -> _Statement:
        with self._lock:
            if self._statement is None:
                self._statement = self._made(values)
            return self._statement

    def _made(self, values: Sequence[Value]) -> _Statement:
        first, second = (self._build(*_stand_ins(values, turn)) for turn in (1, 2))
        if first._iterable_class is not ModelIterable or first._known_related_objects:  # type: ignore[attr-defined]
            raise ImproperlyConfigured("a prepared query makes model objects of a plain query set")
        compiler = first.query.get_compiler(using=first.db)
        sql, params = compiler.as_sql()
        other_sql, other_params = second.query.get_compiler(using=second.db).as_sql()
        if sql != other_sql or len(params) != len(other_params):
            raise ImproperlyConfigured(f"the query changes with its values: {sql!r}")
        a, b = _stand_ins(values, 1), _stand_ins(values, 2)
        slots = []
        for position, (one, other) in enumerate(zip(params, other_params, strict=True)):
            if one == other:
                continue
            index = next((i for i in range(len(values)) if a[i] == one and b[i] == other), None)
            if index is None:
                raise ImproperlyConfigured(f"a value reaches the SQL other than as itself: {one!r}")
            slots.append((position, index))
        if {index for _position, index in slots} != set(range(len(values))):
            raise ImproperlyConfigured("a value does not reach the SQL")
        klass_info = compiler.klass_info
        select_fields = klass_info["select_fields"]
        start, end = select_fields[0], select_fields[-1] + 1
        return _Statement(
            using=first.db,
            sql=sql,
            params=tuple(params),
            slots=tuple(slots),
            types=tuple(type(value) for value in values),
            compiler=compiler,
            model=klass_info["model"],
            fields=(start, end),
            names=[column[0].target.attname for column in compiler.select[start:end]],
            populators=get_related_populators(klass_info, compiler.select, first.db),  # type: ignore[call-arg]
            annotations=dict(compiler.annotation_col_map or {}),
        )
