from datetime import date

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from core.cleaning import without_control_characters
from forum.choices import Capacity
from forum.models import Tag, Theme

from .selectors import Filters, Sort


class DateInput(forms.DateInput):
    """The browser's date field: it takes only ISO dates, so a value typed otherwise is shown empty (with its error)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")

    def format_value(self, value):
        if isinstance(value, str):
            try:
                date.fromisoformat(value)
            except ValueError:
                return None
        return super().format_value(value)


class SearchInput(forms.TextInput):
    input_type = "search"


class SearchTextField(forms.CharField):
    """What was typed, its control characters dropped (a NUL byte pasted along is no reason for an error)."""

    def to_python(self, value):
        return without_control_characters(super().to_python(value))


class SearchForm(forms.Form):
    """The results page's query, filters and order: a GET form, every field optional."""

    q = SearchTextField(label=_("Search for"), required=False, widget=SearchInput(attrs={"class": "form-control"}))
    # The themes the searcher may see (``__init__``): no members-only theme for a visitor.
    theme = forms.ModelChoiceField(
        label=_("Theme"),
        queryset=Theme.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All themes"),
    )
    tag = forms.CharField(label=_("Tag"), required=False)
    author = forms.CharField(
        label=_("Author"), required=False, help_text=_("The member's profile name, as in their profile's address.")
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label=_("All organisations"),
    )
    capacity = forms.ChoiceField(
        label=_("Speaking capacity"), choices=[("", _("Any capacity")), *Capacity.choices], required=False
    )
    since = forms.DateField(label=_("From"), required=False, widget=DateInput)
    until = forms.DateField(label=_("Until"), required=False, widget=DateInput)
    sort = forms.ChoiceField(label=_("Order"), choices=Sort.choices, required=False)

    def __init__(self, *args, standing, **kwargs):
        super().__init__(*args, **kwargs)
        self.standing = standing
        self.fields["theme"].queryset = Theme.objects.visible_to(standing)

    def clean_tag(self):
        typed = self.cleaned_data["tag"].strip()
        if not typed:
            return None
        # Only tags on discussions the searcher may read (a tag page's rule), by name or by address.
        tag = Tag.objects.visible_to(self.standing).filter(Q(slug=typed) | Q(name=typed.lower())).first()
        if tag is None:
            raise forms.ValidationError(_("No discussion you can read has this tag."), code="unknown")
        return tag

    def clean_author(self):
        handle = self.cleaned_data["author"].strip()
        if not handle:
            return None
        # The directory's members only: a closed account's posts are not found by a name.
        author = User.objects.in_directory().filter(handle=handle).first()
        if author is None:
            raise forms.ValidationError(_("No member has this profile name."), code="unknown")
        return author

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end of the period lies before its start."))
        return cleaned

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            theme=data.get("theme"),
            author=data.get("author"),
            organisation=data.get("organisation"),
            capacity=data.get("capacity") or "",
            since=data.get("since"),
            until=data.get("until"),
            tag=data.get("tag"),
        )

    def order(self) -> str:
        return self.cleaned_data.get("sort") or Sort.RELEVANCE
