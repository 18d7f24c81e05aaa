"""Who a signed-in request is: the account and its code app, read in one query.

Every signed-in request needs both, to know that the session passed the second
step (django-otp's ``is_verified``). Django's ``ModelBackend`` reads the account
and django-otp the code app, each through the ORM, which builds its statement
anew each time. ``AccountBackend`` reads both with one statement made once per
process; ``accounts.middleware.OTPMiddleware`` takes the code app from there.
Signing in, permissions and everything else are ``ModelBackend``'s own.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db import connections, router
from django.db.models import Field, Model

from accounts.models import CodeApp, User

Converter = Callable[[Any, Any, Any], Any]


@dataclass(frozen=True)
class _Columns:
    """Some of a model's fields as read from a table: their names for ``Model.from_db``, their
    columns, and the converters the ORM would run on each value."""

    names: list[str]
    columns: list[str]
    converters: list[tuple[int, list[Converter], Any]]

    @classmethod
    def of(
        cls, model: type[Model], fields: Sequence["Field[Any, Any]"], alias_of: Callable[["Field[Any, Any]"], str]
    ) -> "_Columns":
        connection = connections[router.db_for_read(model)]
        quote = connection.ops.quote_name
        converters: list[tuple[int, list[Converter], Any]] = []
        for index, field in enumerate(fields):
            column = field.get_col(alias_of(field))
            found = [*connection.ops.get_db_converters(column), *field.get_db_converters(connection)]
            if found:
                converters.append((index, found, column))
        return cls(
            names=[field.attname for field in fields],
            columns=[f"{alias_of(field)}.{quote(str(field.column))}" for field in fields],
            converters=converters,
        )

    def instance(self, model: type[Model], values: Sequence[Any]) -> Any:
        values = list(values)
        connection = connections[router.db_for_read(model)]
        for index, converters, column in self.converters:
            for convert in converters:
                values[index] = convert(values[index], column, connection)
        return model.from_db(router.db_for_read(model), self.names, values)


@dataclass(frozen=True)
class _Statement:
    sql: str
    account: _Columns
    code_app: _Columns


@cache
def _statement() -> _Statement:
    """An account with each of its confirmed code apps (none: one row, the code app's columns NULL).
    A code app's key is not read: checking a code reads it afresh (``accounts.codeapp``)."""
    quote = connections[router.db_for_read(User)].ops.quote_name
    account = _Columns.of(User, User._meta.concrete_fields, lambda field: "a")
    device = CodeApp._meta.get_parent_list()[0]._meta  # django-otp's TOTPDevice: the code app's other table
    fields = [field for field in CodeApp._meta.concrete_fields if field.attname != "sealed_key"]
    code_app = _Columns.of(CodeApp, fields, lambda field: "c" if field.model is CodeApp else "d")

    def column(meta: Any, name: str) -> str:
        return quote(str(meta.get_field(name).column))

    sql = (
        f"SELECT {', '.join([*account.columns, *code_app.columns])} "  # noqa: S608  # nosec B608 - names from the models
        f"FROM {quote(User._meta.db_table)} a LEFT JOIN ({quote(device.db_table)} d JOIN "
        f"{quote(CodeApp._meta.db_table)} c ON c.{column(CodeApp._meta, 'totpdevice_ptr')} = d.{column(device, 'id')}) "
        f"ON d.{column(device, 'user')} = a.{column(User._meta, 'id')} AND d.{column(device, 'confirmed')} "
        f"WHERE a.{column(User._meta, 'id')} = %s"
    )
    return _Statement(sql, account, code_app)


class AccountBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        statement = _statement()
        with connections[router.db_for_read(User)].cursor() as cursor:
            cursor.execute(statement.sql, [user_id])
            rows = cursor.fetchall()
        if not rows:
            return None
        width = len(statement.account.names)
        user: User = statement.account.instance(User, rows[0][:width])
        code_apps = [statement.code_app.instance(CodeApp, row[width:]) for row in rows if row[width] is not None]
        user.code_apps = {code_app.persistent_id: code_app for code_app in code_apps}  # type: ignore[attr-defined]
        return user if self.user_can_authenticate(user) else None
