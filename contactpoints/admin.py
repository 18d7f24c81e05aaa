"""The admin manages organisations. Participants appear only as counts."""

from django.contrib import admin
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from contactpoints.models import Application, ContactPoint, County, Municipality, Office, Room
from selvhjelp.admin import ModelAdmin


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0


@admin.register(ContactPoint)
class ContactPointAdmin(ModelAdmin):
    list_display = ["name", "kind", "municipality", "nationwide", "is_active", "waiting"]
    list_filter = ["kind", "nationwide", "is_active", "municipality__county"]
    search_fields = ["name", "slug", "municipality__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["municipality"]
    filter_horizontal = ["staff"]
    inlines = [RoomInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request: HttpRequest) -> QuerySet[ContactPoint]:
        return (
            super()
            .get_queryset(request)
            .select_related("municipality")
            .annotate(waiting_count=Count("signups", filter=Q(signups__status="waiting")))
        )

    @admin.display(description=_("waiting"), ordering="waiting_count")
    def waiting(self, obj: ContactPoint) -> int:
        return obj.waiting_count  # type: ignore[attr-defined]


@admin.register(Office)
class OfficeAdmin(ModelAdmin):
    list_display = ["name", "slug", "is_national"]
    filter_horizontal = ["counties", "members"]


@admin.register(County)
class CountyAdmin(ModelAdmin):
    list_display = ["number", "name", "is_current"]
    search_fields = ["name", "number"]


@admin.register(Municipality)
class MunicipalityAdmin(ModelAdmin):
    list_display = ["number", "name", "other_names", "county", "is_current"]
    list_filter = ["county", "is_current"]
    search_fields = ["name", "other_names", "number"]


@admin.register(Application)
class ApplicationAdmin(ModelAdmin):
    """Applications are decided by the offices on their own pages; here they can be read and corrected."""

    list_display = ["organisation", "municipality", "status", "created_at", "decided_at"]
    list_filter = ["status", "municipality__county"]
    search_fields = ["organisation", "municipality__name"]
    autocomplete_fields = ["municipality"]
    readonly_fields = ["status", "created_at", "decided_at", "decided_by", "contact_point"]
