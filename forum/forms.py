from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import permissions as account_permissions
from accounts.standing import standing_of
from core.cleaning import clean_plain_text, has_visible_text

from .models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, Capacity, Tag
from .permissions import can_create_tags, is_own_post
from .services.tags import TAGS_PER_THREAD, tag_names_check, tag_normalise

REASON_MAX_LENGTH = 2000


class BodyField(forms.CharField):
    """Markdown text written by a member."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Text"))
        kwargs.setdefault("max_length", BODY_MAX_LENGTH)
        kwargs.setdefault(
            "help_text",
            _("You can use Markdown: *italic*, **bold**, [link](https://…), lists with - and quotes with >."),
        )
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 10}))
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value and not has_visible_text(value):
            raise ValidationError(self.error_messages["required"], code="required")


class AuthorshipMixin:
    """
    Lets a member say in which capacity they write, or post as an organisation
    account they belong to. Only the choices the member may make are offered, so
    a forged value is a form error; the services check again.
    """

    def __init__(self, *args, user, post=None, **kwargs):
        standing = standing_of(user)
        user = standing.user
        super().__init__(*args, **kwargs)
        if post is not None and not is_own_post(standing, post):
            # A moderator edits someone else's post: the note says why, to the author and in the log.
            self.fields["note"] = forms.CharField(
                label=_("Note for the author"),
                max_length=REASON_MAX_LENGTH,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Why you changed this post. Sent to the author and recorded in the moderation log."),
            )
        if post is not None and post.written_by_id is not None:
            return  # an organisation account's post keeps its capacity
        choices = [(Capacity.PERSONAL, Capacity.PERSONAL.label), (Capacity.FUNCTION, Capacity.FUNCTION.label)]
        if account_permissions.can_speak_for_organisation(standing) or (
            post and post.capacity == Capacity.ORGANISATION
        ):
            choices.append((Capacity.ORGANISATION, Capacity.ORGANISATION.label))
        self.fields["capacity"] = forms.ChoiceField(
            label=_("In which capacity do you write?"),
            choices=choices,
            initial=post.capacity if post else Capacity.PERSONAL,
            required=False,  # left out: personal, or unchanged when editing
            widget=forms.RadioSelect,
            help_text=_(
                "As a civil servant you may say more in a personal capacity than from your function. "
                "On behalf of your organisation only when its administrators allowed you."
            ),
        )
        if post is None:
            accounts = account_permissions.organisation_accounts_for(standing)
            if accounts.exists():
                self.fields["post_as"] = forms.ModelChoiceField(
                    label=_("Post as"),
                    queryset=accounts,
                    required=False,
                    empty_label=_("myself (%(name)s)") % {"name": user.display_name},
                    help_text=_("The organisation account is shown as the author; moderators can see who wrote it."),
                )

    def authorship(self) -> dict:
        """The service arguments for the author's choice."""
        return {
            "capacity": self.cleaned_data.get("capacity") or Capacity.PERSONAL,
            "as_account": self.cleaned_data.get("post_as"),
        }


class ThreadForm(AuthorshipMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    body = BodyField()
    tags = forms.CharField(label=_("Tags"), required=False, max_length=500)

    def __init__(self, *args, user, similar_url: str = "", **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.standing = standing_of(user)
        # Whether the member may add new tags (one query), for the help text.
        if can_create_tags(self.standing):
            help_text = _(
                "Up to %(max)s tags, separated by commas, such as: open data, woo. Choose existing tags where they fit."
            )
        else:
            help_text = _("Up to %(max)s tags, separated by commas, chosen from the existing tags below.")
        self.fields["tags"].help_text = help_text % {"max": TAGS_PER_THREAD}
        if similar_url:
            # With htmx, similar discussions follow the title as it is typed (without, the check button).
            self.fields["title"].widget.attrs.update(
                {
                    "data-hx-get": similar_url,
                    "data-hx-trigger": "input changed delay:600ms, search",
                    "data-hx-target": "#similar-threads",
                    "data-hx-swap": "innerHTML",
                }
            )

    def clean_title(self):
        return clean_plain_text(self.cleaned_data["title"])

    def clean_tags(self) -> list[str]:
        """
        The tags, separated by commas (a name may have spaces), checked as the service checks them:
        existing ones, or new ones when the member may add them.
        """
        names = [name for name in self.cleaned_data["tags"].split(",") if name.strip()]
        return tag_names_check(standing=self.standing, names=names)


class ReplyForm(AuthorshipMixin, forms.Form):
    body = BodyField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 6}))


class TagRenameForm(forms.Form):
    """A moderator gives a tag another name (``services.tag_rename``)."""

    tag = forms.ModelChoiceField(label=_("Tag"), queryset=Tag.objects.all(), to_field_name="slug")
    name = forms.CharField(label=_("New name"), max_length=100)

    def clean_name(self):
        return tag_normalise(self.cleaned_data["name"])


class TagMergeForm(forms.Form):
    """A moderator merges tags into one (``services.tags_merge``)."""

    tags = forms.ModelMultipleChoiceField(
        label=_("Tags to merge"),
        queryset=Tag.objects.all(),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
    )
    into = forms.ModelChoiceField(
        label=_("Merge into"),
        queryset=Tag.objects.all(),
        to_field_name="slug",
        help_text=_("The threads of the tags chosen above carry this tag instead; those tags are removed."),
    )

    def clean(self):
        cleaned = super().clean()
        tags, into = cleaned.get("tags"), cleaned.get("into")
        if tags is not None and into is not None and not [tag for tag in tags if tag.pk != into.pk]:
            raise ValidationError(
                _("Choose at least one tag other than the one to merge into."), code="nothing_to_merge"
            )
        return cleaned
