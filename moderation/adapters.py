"""
The site's allauth adapter (``ACCOUNT_ADAPTER``): accounts' own (``accounts.adapters``), and a
banned member cannot log in. Moderation adds the refusal here, above accounts, because the page
that says why offers the signed link to object to the ban.
"""

from accounts import adapters

from .selectors import sanction_state
from .views.sanctions import banned


class AccountAdapter(adapters.AccountAdapter):
    def pre_login(self, request, user, **kwargs):
        """
        A banned member cannot log in; they are told why. Their session is emptied (Django's
        ``flush``), so nothing of the attempt (allauth's record of the password step) stays.
        """
        if user.is_active and sanction_state(user).banned:
            request.session.flush()
            return banned(request, user)
        return super().pre_login(request, user, **kwargs)
