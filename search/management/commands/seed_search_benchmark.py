"""
Fill the database for ``make bench-search`` (docs/benchmarks.md, "Search"): many replies in a
realistic Dutch vocabulary of the civil service, composed from a few hundred words with their
inflections, so that the index holds many distinct stems with a natural spread (a benchmark over
one repeated sentence would measure a single posting list). Then the search index is built with
the search app's own ``reindex_all``, as ``search_reindex`` builds it.
"""

import random
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts import roles
from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.models import User
from core.text import render_markdown
from forum.models import Reply, Theme, Thread
from search import services

THEME_PREFIX = "zoekbench-"
MEMBER_HANDLE_PREFIX = "zoeklid-"
MODERATOR_EMAIL = "zoek-moderator@example.nl"
BATCH_SIZE = 5000
REPLIES_PER_THREAD = 25
PARAGRAPHS = 4000  # distinct paragraphs, rendered once each; a reply joins one to three of them


# Words of the domain, several forms of each (singular, plural, verb forms, compounds).
NOUNS = [
    "ambtenaar",
    "ambtenaren",
    "ambtenarij",
    "overheid",
    "overheden",
    "gemeente",
    "gemeenten",
    "gemeentes",
    "provincie",
    "provincies",
    "waterschap",
    "waterschappen",
    "ministerie",
    "ministeries",
    "rijksoverheid",
    "meningsuiting",
    "meningsuitingen",
    "vrijheid",
    "grondrecht",
    "grondrechten",
    "Woo-verzoek",
    "Woo-verzoeken",
    "openbaarheid",
    "transparantie",
    "participatie",
    "burgerparticipatie",
    "inspraak",
    "financiën",
    "begroting",
    "begrotingen",
    "bezuiniging",
    "bezuinigingen",
    "subsidie",
    "subsidies",
    "belasting",
    "belastingen",
    "beleid",
    "beleidsnota",
    "beleidsnota's",
    "beleidsmedewerker",
    "beleidsmedewerkers",
    "wethouder",
    "wethouders",
    "raadslid",
    "raadsleden",
    "gemeenteraad",
    "Tweede",
    "Kamer",
    "minister",
    "ministers",
    "staatssecretaris",
    "loyaliteit",
    "integriteit",
    "integriteitsbeleid",
    "klokkenluider",
    "klokkenluiders",
    "leidinggevende",
    "leidinggevenden",
    "afdeling",
    "afdelingen",
    "organisatie",
    "organisaties",
    "samenwerking",
    "digitalisering",
    "informatiehuishouding",
    "archief",
    "archieven",
    "privacy",
    "gegevensbescherming",
    "AVG",
    "algoritme",
    "algoritmes",
    "dienstverlening",
    "burger",
    "burgers",
    "inwoner",
    "inwoners",
    "ondernemer",
    "ondernemers",
    "vergunning",
    "vergunningen",
    "omgevingswet",
    "omgevingsvisie",
    "woningbouw",
    "wonen",
    "duurzaamheid",
    "energietransitie",
    "klimaatbeleid",
    "stikstof",
    "jeugdzorg",
    "zorg",
    "Wmo",
    "sociaal",
    "domein",
    "arbeidsmarkt",
    "vacature",
    "vacatures",
    "cao",
    "salaris",
    "salarissen",
    "thuiswerken",
    "werkdruk",
    "verzuim",
    "advies",
    "adviezen",
    "adviesraad",
    "Raad",
    "voor",
    "het",
    "openbaar",
    "bestuur",
    "rapport",
    "rapporten",
    "onderzoek",
    "evaluatie",
    "wetgeving",
    "wetsvoorstel",
    "regelgeving",
    "toezicht",
    "inspectie",
    "rechtsstaat",
    "democratie",
    "verkiezingen",
    "communicatie",
    "woordvoerder",
    "woordvoering",
    "sociale",
    "media",
    "nieuwsbrief",
    "bijeenkomst",
    "bijeenkomsten",
    "overleg",
    "vergadering",
    "vergaderingen",
    "notulen",
    "besluit",
    "besluiten",
    "besluitvorming",
    "bezwaar",
    "bezwaarschrift",
    "uitvoering",
    "uitvoeringsorganisatie",
    "toeslagen",
    "Belastingdienst",
    "UWV",
    "DUO",
    "politiek",
    "bestuur",
    "bestuurders",
]
VERBS = [
    "vind",
    "vindt",
    "vonden",
    "denk",
    "denkt",
    "dachten",
    "merk",
    "merkt",
    "merkten",
    "zie",
    "ziet",
    "zagen",
    "werk",
    "werkt",
    "werkten",
    "schrijf",
    "schrijft",
    "schreven",
    "deel",
    "deelt",
    "deelden",
    "adviseer",
    "adviseert",
    "adviseerden",
    "onderzoek",
    "onderzoekt",
    "onderzochten",
    "bespreek",
    "bespreekt",
    "bespraken",
    "publiceer",
    "publiceert",
    "publiceerden",
    "beoordeel",
    "beoordeelt",
    "besluit",
    "besluiten",
    "besloten",
    "verantwoord",
    "verantwoordt",
    "betrek",
    "betrekt",
    "betrokken",
    "organiseer",
    "organiseert",
    "uitvoeren",
    "uitvoert",
    "voerden",
    "stel",
    "stelt",
    "stelden",
    "vraag",
    "vraagt",
    "vroegen",
    "antwoord",
    "antwoordt",
    "antwoordden",
    "ervaar",
    "ervaart",
    "ervoeren",
    "verbeter",
    "verbetert",
    "verbeterden",
]
ADJECTIVES = [
    "openbaar",
    "openbare",
    "publiek",
    "publieke",
    "lokaal",
    "lokale",
    "landelijk",
    "landelijke",
    "digitaal",
    "digitale",
    "duidelijk",
    "duidelijke",
    "nieuw",
    "nieuwe",
    "oud",
    "oude",
    "belangrijk",
    "belangrijke",
    "lastig",
    "lastige",
    "kritisch",
    "kritische",
    "transparant",
    "transparante",
    "integer",
    "integere",
    "zorgvuldig",
    "zorgvuldige",
    "terughoudend",
    "terughoudende",
    "snel",
    "snelle",
    "traag",
    "trage",
    "goed",
    "goede",
    "slecht",
    "slechte",
    "financieel",
    "financiële",
    "politiek",
    "politieke",
]
SMALL = [
    "de",
    "het",
    "een",
    "van",
    "in",
    "op",
    "met",
    "voor",
    "over",
    "bij",
    "naar",
    "uit",
    "door",
    "als",
    "dat",
    "die",
    "dit",
    "deze",
    "ook",
    "nog",
    "wel",
    "niet",
    "maar",
    "en",
    "of",
    "want",
    "dus",
    "omdat",
    "zodat",
    "hoe",
    "wat",
    "waarom",
    "wie",
    "wanneer",
    "ik",
    "je",
    "jij",
    "we",
    "wij",
    "ze",
    "zij",
    "ons",
    "onze",
    "hun",
    "bij",
    "ons",
    "volgens",
    "mij",
    "eigenlijk",
    "vaak",
    "soms",
    "altijd",
    "zelden",
]
OPENINGS = (
    "Bij ons",
    "In mijn gemeente",
    "Volgens mij",
    "Goed punt:",
    "Eens,",
    "Ik twijfel:",
    "Vraag aan jullie:",
    "Interessant,",
    "Herkenbaar.",
    "Let op:",
    "Ter aanvulling:",
    "Mijn ervaring:",
)


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(OPENINGS)]
    for _ in range(rng.randint(6, 16)):
        pick = rng.random()
        if pick < 0.35:
            words.append(rng.choice(NOUNS))
        elif pick < 0.5:
            words.append(rng.choice(VERBS))
        elif pick < 0.62:
            words.append(rng.choice(ADJECTIVES))
        else:
            words.append(rng.choice(SMALL))
    return " ".join(words) + rng.choice(".?!.")


def paragraph(rng: random.Random) -> str:
    """Two to five sentences of the domain's vocabulary (Markdown text, no markup)."""
    return " ".join(_sentence(rng) for _ in range(rng.randint(2, 5)))


def title(rng: random.Random) -> str:
    words = [rng.choice(NOUNS).capitalize()]
    words += [rng.choice(SMALL + ADJECTIVES + NOUNS) for _ in range(rng.randint(3, 7))]
    return " ".join(words)[:150]


class Command(BaseCommand):
    help = (
        "Fill the database for make bench-search: themes, members, threads and many replies in Dutch "
        "(default 1,000,000 replies), a moderator (zoek-moderator@example.nl), then build the search index."
    )

    def add_arguments(self, parser):
        parser.add_argument("--replies", type=int, default=1_000_000, help="Replies (default 1,000,000).")
        parser.add_argument("--seed", type=int, default=14, help="Seed of the random text (default 14).")
        parser.add_argument(
            "--if-missing", action="store_true", help="Do nothing (and succeed) when the data is already there."
        )

    def handle(self, *args, replies, seed, if_missing, **options):
        if replies < 1:
            raise CommandError("--replies must be at least 1.")
        if Theme.objects.filter(slug__startswith=THEME_PREFIX).exists():
            if if_missing:
                self.stdout.write("Search benchmark data is already there; nothing to do.")
                return
            raise CommandError("Search benchmark data is already there (use a fresh database).")
        rng = random.Random(seed)  # noqa: S311 (benchmark text, not secrets)
        with transaction.atomic():
            self._seed(rng, replies)
        count = services.reindex_all()
        self.stdout.write(f"Indexed {count} threads and replies.")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS("Search benchmark data created."))

    def _seed(self, rng: random.Random, replies: int) -> None:
        now = timezone.now()
        texts = [paragraph(rng) for _ in range(PARAGRAPHS)]
        rendered = [(text, render_markdown(text)) for text in texts]
        themes = Theme.objects.bulk_create(
            Theme(name=f"Zoekthema {i}", slug=f"{THEME_PREFIX}{i}", description="Zoekbenchmark.", position=2000 + i)
            for i in range(1, 11)
        )
        themes = list(Theme.objects.filter(slug__startswith=THEME_PREFIX).order_by("position"))
        User.objects.bulk_create(
            User(email=None, display_name=f"Zoeklid {i}", handle=f"{MEMBER_HANDLE_PREFIX}{i}") for i in range(500)
        )
        people = list(User.objects.filter(handle__startswith=MEMBER_HANDLE_PREFIX))
        moderator = User.objects.create(email=MODERATOR_EMAIL, display_name="Zoek Moderator", handle="zoek-moderator")
        moderator.groups.add(roles.moderators_group())
        EmailAddress.objects.create(user=moderator, email=MODERATOR_EMAIL, primary=True, verified=True)
        terms = account_selectors.terms_current()
        if terms is not None:
            account_services.terms_accept(member=moderator, terms=terms)
        # Two-factor authentication as allauth.mfa stores it: moderators are asked for it before any page.
        Authenticator.objects.create(
            user=moderator,
            type=Authenticator.Type.TOTP,
            data={"secret": get_adapter().encrypt("JBSWY3DPEHPK3PXP")},  # the factories' well-known test secret
        )

        thread_count = max(1, replies // REPLIES_PER_THREAD)
        start = now - timedelta(days=730)
        step = timedelta(days=729) / thread_count
        threads = []
        for i in range(thread_count):
            text, html = rendered[rng.randrange(PARAGRAPHS)]
            created = start + step * i
            threads.append(
                Thread(
                    theme=themes[i % len(themes)],
                    author=people[i % len(people)],
                    title=title(rng),
                    slug=f"zoekdiscussie-{i + 1}",
                    body=text,
                    body_html=html,
                    created_at=created,
                    last_activity_at=created,
                    reply_count=REPLIES_PER_THREAD,
                )
            )
        threads = Thread.objects.bulk_create(threads, batch_size=BATCH_SIZE)
        self.stdout.write(f"Created {len(threads)} threads.")
        batch: list[Reply] = []
        for n in range(replies):
            thread = threads[n % thread_count]
            parts = [rendered[rng.randrange(PARAGRAPHS)] for _ in range(rng.randint(1, 3))]
            batch.append(
                Reply(
                    thread=thread,
                    author=people[n % len(people)],
                    body="\n\n".join(text for text, _html in parts),
                    body_html="".join(html for _text, html in parts),
                    created_at=thread.created_at + timedelta(minutes=n // thread_count + 1),
                )
            )
            if len(batch) >= BATCH_SIZE:
                Reply.objects.bulk_create(batch)
                batch = []
                if (n + 1) % 100_000 == 0:
                    self.stdout.write(f"  {n + 1} replies")
        if batch:
            Reply.objects.bulk_create(batch)
        self.stdout.write(f"Created {replies} replies.")
