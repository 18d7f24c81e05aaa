"""What every admin page shares: input that is not an id is a bad request, never a server error.

Django's admin trusts some input to be ids: the rows ticked for an action,
the value of an autocomplete field when a form comes back with errors, and
(on SQLite) the rows chosen in a many-to-many field, where a number too large
for the database made it fail with a 500.
"""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import BadRequest, ValidationError
from django.db.models import Field, QuerySet
from django.http import HttpRequest, HttpResponse


def _is_id(field: "Field[Any, Any]", value: object) -> bool:
    try:
        field.run_validators(field.to_python(value))
    except ValidationError:
        return False
    return True


def _only_ids(field: "Field[Any, Any]", values: Sequence[object]) -> list[object]:
    return [value for value in values if _is_id(field, value)]


class IdsOnlyMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses, as an invalid choice, a value that cannot be an id of the rows it chooses from."""

    def _check_values(self, value):  # type: ignore[no-untyped-def]
        if self.queryset is None:
            return super()._check_values(value)  # type: ignore[misc]  # private in Django, not in its stubs
        opts = self.queryset.model._meta
        field = opts.get_field(self.to_field_name) if self.to_field_name else opts.pk
        for pk in value:
            if not _is_id(field, pk):
                message = self.error_messages["invalid_pk_value"]
                raise ValidationError(message, code="invalid_pk_value", params={"pk": pk})
        return super()._check_values(value)  # type: ignore[misc]  # private in Django, not in its stubs


class _IdsOnly:
    """An autocomplete widget that leaves out, when it draws the chosen rows, values that are not ids."""

    def optgroups(self, name, value, attr=None):  # type: ignore[no-untyped-def]
        remote = self.field.remote_field  # type: ignore[attr-defined]
        target = remote.model._meta.get_field(getattr(remote, "field_name", None) or remote.model._meta.pk.name)
        return super().optgroups(name, _only_ids(target, value), attr)  # type: ignore[misc]


class SafeAutocompleteSelect(_IdsOnly, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_IdsOnly, AutocompleteSelectMultiple):
    pass


class ModelAdmin(admin.ModelAdmin):
    def response_action(
        self, request: HttpRequest, queryset: QuerySet[Any], *args: Any, **kwargs: Any
    ) -> HttpResponse | None:
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if len(_only_ids(self.model._meta.pk, selected)) != len(selected):
            raise BadRequest("An action was asked for rows that are not ids")
        return super().response_action(request, queryset, *args, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        kwargs.setdefault("form_class", IdsOnlyMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


# Django's own admin for permission groups, with the same care.
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(ModelAdmin, DjangoGroupAdmin):  # type: ignore[misc]  # both widen one of Django's signatures alike
    pass
