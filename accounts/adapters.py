from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction

from . import services


class AccountAdapter(DefaultAccountAdapter):
    """Fills in what our sign-up form asks beyond allauth's own: name, terms, approval."""

    @transaction.atomic
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.display_name = form.cleaned_data["display_name"]
        user.approval = services.member_initial_approval(user)
        if commit:
            user.save()
            terms = services.terms_current()
            if terms is not None and form.cleaned_data.get("accept_terms"):
                services.terms_accept(member=user, terms=terms)
        return user
