"""Queries the ORM builds once per process.

For the short queries every signed-in page runs (is this contact point the user's own?), building the
SQL costs the ORM more than PostgreSQL takes to answer. ``Prepared(build)`` asks the ORM for the SQL and
for how to make objects of its rows once, the first time it is used; after that a call only sends the
SQL with its own values and makes the objects as the ORM would (``select_related`` and annotations
included); or gives the SQL with the call's values, for a query of one's own around it (``sql``).

``build(*values)`` returns the query set for those values, each of which must reach the SQL as itself,
as in ``filter(slug=slug)``. To find where each one goes, the query is built twice, with two different
stand-ins for every value: the SQL must come out the same, and the parameters must differ in exactly
the stand-ins' places. A query that does anything else with a value (makes a pattern or a list of it,
changes shape with it) is refused the first time it is used.

``PreparedInsert(model)`` does the same for ``model.objects.create(**values)`` where nobody waits for the
object it makes: the INSERT the ORM builds, asked for once; each call prepares its values with each
field's own preparation (encryption, JSON), as the ORM does, and sends them.
"""

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.models import Model, QuerySet, signals
from django.db.models.query import ModelIterable, get_related_populators
from django.db.models.sql import InsertQuery

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
class _Objects:
    """How the ORM makes objects of the rows: the model's own columns, the related objects, the annotations."""

    compiler: Any
    model: type[Model]
    fields: tuple[int, int]  # the model's own columns: from, to
    names: list[str]
    populators: list[Any]
    annotations: dict[str, int]

    @classmethod
    def of(cls, queryset: "QuerySet[Any]", compiler: Any) -> "_Objects | None":
        if queryset._iterable_class is not ModelIterable or queryset._known_related_objects:  # type: ignore[attr-defined]
            return None
        klass_info = compiler.klass_info
        select_fields = klass_info["select_fields"]
        start, end = select_fields[0], select_fields[-1] + 1
        return cls(
            compiler=compiler,
            model=klass_info["model"],
            fields=(start, end),
            names=[column[0].target.attname for column in compiler.select[start:end]],
            populators=get_related_populators(klass_info, compiler.select, queryset.db),  # type: ignore[call-arg]
            annotations=dict(compiler.annotation_col_map or {}),
        )

    def made(self, using: str, rows: list[Any]) -> list[Any]:
        start, end = self.fields
        objects = []
        for row in self.compiler.results_iter([rows]):
            made = self.model.from_db(using, self.names, row[start:end])
            for populator in self.populators:
                populator.populate(row, made)
            for name, position in self.annotations.items():
                setattr(made, name, row[position])
            objects.append(made)
        return objects


@dataclass(frozen=True)
class _Statement:
    using: str
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, int], ...]  # (where in the parameters, which value)
    types: tuple[type, ...]
    objects: _Objects | None  # None: a query of values, whose SQL alone is asked for


class Prepared(Generic[M]):
    def __init__(self, build: Callable[..., "QuerySet[M, Any]"]) -> None:
        self._build = build
        self._statement: _Statement | None = None
        self._lock = threading.Lock()

    def sql(self, *values: Value) -> tuple[str, list[Any]]:
        """The SQL of ``build(*values)`` and its parameters, for a query of one's own around it."""
        statement = self._for(values)
        params = list(statement.params)
        for position, index in statement.slots:
            params[position] = values[index]
        return statement.sql, params

    def all(self, *values: Value) -> list[M]:
        """The objects ``build(*values)`` would give, in its order."""
        statement = self._for(values)
        if statement.objects is None:
            raise ImproperlyConfigured("a prepared query makes model objects of a plain query set")
        sql, params = self.sql(*values)
        with connections[statement.using].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return statement.objects.made(statement.using, rows)

    def first(self, *values: Value) -> M | None:
        found = self.all(*values)
        return found[0] if found else None

    def _for(self, values: Sequence[Value]) -> _Statement:
        statement = self._statement
        if statement is None:
            with self._lock:
                if self._statement is None:
                    self._statement = self._made(values)
                statement = self._statement
        if tuple(type(value) for value in values) != statement.types:
            raise TypeError(f"prepared for values of types {statement.types}")
        return statement

    def _made(self, values: Sequence[Value]) -> _Statement:
        a, b = _stand_ins(values, 1), _stand_ins(values, 2)
        first, second = self._build(*a), self._build(*b)
        compiler = first.query.get_compiler(using=first.db)
        sql, params = compiler.as_sql()
        other_sql, other_params = second.query.get_compiler(using=second.db).as_sql()
        if sql != other_sql or len(params) != len(other_params):
            raise ImproperlyConfigured(f"the query changes with its values: {sql!r}")
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
        return _Statement(
            using=first.db,
            sql=sql,
            params=tuple(params),
            slots=tuple(slots),
            types=tuple(type(value) for value in values),
            objects=_Objects.of(first, compiler),
        )


@dataclass(frozen=True)
class _Insert:
    using: str
    sql: str
    fields: tuple[Any, ...]


class PreparedInsert(Generic[M]):
    def __init__(self, model: type[M]) -> None:
        self.model = model
        self._statement: _Insert | None = None

    def insert(self, **values: Any) -> None:
        """Insert one row, as ``model.objects.create(**values)`` would, without making an object of it
        afterwards. Where something listens for the model's saves, it is the ORM's ``create`` after all."""
        if signals.pre_save.has_listeners(self.model) or signals.post_save.has_listeners(self.model):
            self.model._default_manager.create(**values)
            return
        statement = self._statement or self._made()
        row = self.model(**values)
        connection = connections[statement.using]
        params = [field.get_db_prep_save(field.pre_save(row, True), connection) for field in statement.fields]
        with connection.cursor() as cursor:
            cursor.execute(statement.sql, params)

    def _made(self) -> _Insert:
        meta = self.model._meta
        using = router.db_for_write(self.model)
        fields = tuple(field for field in meta.local_concrete_fields if field is not meta.auto_field)
        query = InsertQuery(self.model)
        query.insert_values(fields, [self.model()])
        [(sql, params)] = query.get_compiler(using=using).as_sql()
        if not sql.endswith("VALUES (" + ", ".join(["%s"] * len(fields)) + ")") or len(params) != len(fields):
            raise ImproperlyConfigured(f"the values do not go as plain parameters: {sql!r}")
        self._statement = _Insert(using=using, sql=sql, fields=fields)
        return self._statement
