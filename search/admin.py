from django.contrib import admin

from .models import Synonym


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    """Jargon that search finds by either form: changed here, used by the next search."""

    list_display = ["term", "meaning"]
    search_fields = ["term", "meaning"]
    ordering = ["term"]
