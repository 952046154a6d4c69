"""
The session store: Django's ``cached_db`` (the database, with the cache in
front), with three round trips fewer for every new session, which every
visitor's first page makes (a thread view counts once per session):

- a new key is not first looked up in the cache and the database: 32 random
  characters from 36 do not collide in practice, and if one ever did, the
  INSERT's unique key refuses it and ``create()`` draws another;
- a new session is put in the cache once, not twice (Django's ``save()`` of a
  session without a key calls ``create()``, which saves and caches it, then
  caches it again).
"""

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbSessionStore
from django.utils.crypto import get_random_string


class SessionStore(CachedDbSessionStore):
    def _get_new_session_key(self):
        return get_random_string(32, VALID_KEY_CHARS)

    def save(self, must_create=False):
        if self.session_key is None:
            return self.create()  # saves with must_create (an INSERT) and caches the session
        return super().save(must_create)
