"""The admin keeps the list of materials; orders are handled on the offices' own pages."""

from django.contrib import admin

from materials.forms import MaterialForm
from materials.models import Material
from selvhjelp.admin import ModelAdmin


@admin.register(Material)
class MaterialAdmin(ModelAdmin):
    form = MaterialForm
    list_display = ["title", "languages", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["title"]
