from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts import permissions as account_permissions
from accounts import services as account_services
from accounts.models import User
from accounts.standing import standing_of
from forum.models import Reply, Status, Theme, Thread


def seed_benchmark(*args):
    out = StringIO()
    call_command("seed_benchmark", "--members", "5", "--themes", "2", "--threads", "7", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_benchmark_creates_the_counts_with_consistent_counters_and_runs_once():
    terms = account_services.terms_publish(version=1, title="Voorwaarden", body="Wees aardig.")
    seed_benchmark("--long-threads", "3,4,25")

    assert User.objects.filter(handle__startswith="benchlid-").count() == 5
    assert Theme.objects.filter(slug__startswith="bench-").count() == 2
    threads = Thread.objects.filter(theme__slug__startswith="bench-")
    assert threads.count() == 7 + 3
    long_counts = sorted(threads.filter(slug__startswith="lange-discussie-").values_list("reply_count", flat=True))
    assert long_counts == [3, 4, 25]
    # Threads 0..6 get i % 3 replies: 0+1+2+0+1+2+0 = 6, plus the long threads.
    assert Reply.objects.filter(thread__in=threads).count() == 6 + 3 + 4 + 25
    for thread in threads:
        replies = Reply.objects.filter(thread=thread, status=Status.PUBLISHED)
        assert thread.reply_count == replies.count()
        newest = replies.order_by("-created_at").first()
        assert thread.last_activity_at == (newest.created_at if newest else thread.created_at)
        assert thread.body_html

    login = User.objects.get(email="bench@example.nl")
    assert login.has_usable_password()
    assert login.emailaddress_set.filter(verified=True, primary=True).exists()
    assert account_permissions.has_accepted_current_terms(standing_of(login))
    assert login.terms_acceptances.filter(terms=terms).exists()
    assert not User.objects.get(handle="benchlid-1").has_usable_password()
    moderator = User.objects.get(email="bench-moderator@example.nl")
    assert account_permissions.is_moderator(standing_of(moderator))

    with pytest.raises(CommandError, match="--reset"):
        seed_benchmark()
    assert "nothing to do" in seed_benchmark("--if-missing")
    seed_benchmark("--reset", "--long-threads", "2")
    assert Thread.objects.filter(theme__slug__startswith="bench-").count() == 7 + 1
    assert User.objects.filter(email="bench@example.nl").count() == 1
