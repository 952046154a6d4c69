"""The text of ``seed_search_benchmark`` (make bench-search) is varied Dutch, not one repeated sentence."""

import random

from search.management.commands.seed_search_benchmark import paragraph, title


def test_the_benchmark_text_is_varied_dutch_of_the_domain():
    rng = random.Random(14)  # noqa: S311 (benchmark text)
    paragraphs = [paragraph(rng) for _ in range(200)]
    words = {word.strip(".,?!:").lower() for text in paragraphs for word in text.split()}

    assert len(set(paragraphs)) == 200
    assert len(words) > 250
    assert {"ambtenaar", "ambtenaren", "meningsuiting", "gemeente", "gemeenten", "participatie"} <= words
    assert len({title(rng) for _ in range(50)}) == 50
