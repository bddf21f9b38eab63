"""The words of a search, for the gestionnaire's lists (paging is `shared.paging`).

It runs in the database: LIKE on `Account.search_text`, the person's names and address folded (case and
accents aside) when they are written.
"""

from shared.identifiers import compact
from shared.text import fold

MAX_SEARCH_TERMS = 5


def search_terms(query: str) -> list[str]:
    """Words to find, each in any field; a number typed with spaces (« 997 915 665 ») is one term."""
    if compact(query).isdigit():
        return [compact(query)]
    return [fold(word) for word in query.split()][:MAX_SEARCH_TERMS]
