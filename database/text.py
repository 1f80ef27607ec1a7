"""Text as people type it: the folded form that search and uniqueness compare.

"Amélie", "AMELIE" and "ａｍｅｌｉｅ" fold alike: compatibility forms unified (NFKC), accents and invisible
format characters (zero-width spaces, bidi marks) dropped, case folded. So do "Heat" and "Hеat" with a
Cyrillic е: a word's Cyrillic and Greek letters that look like Latin ones (LOOKALIKES, after Unicode's
confusables, UTS #39) are read as those when the word could pass for Latin: it has a Latin letter
beside them, or every letter of it has a Latin lookalike. A word of its own script ("Солярис") keeps its
letters, so Russian or Greek titles still sort and search as themselves. Search matches folded words by
prefix, so a movie stores every prefix of its words (up to PREFIX_LENGTH letters) in an indexed list,
and a query is a lookup of its words in that list: never a regular expression over every name.
"""

import re
import unicodedata
from itertools import pairwise

APOSTROPHES = re.compile(r"['’‘`´]")
WORD = re.compile(r"[^\W_]+")
# Cyrillic and Greek letters, case folded, that look like a Latin letter in either case (Н like H, р like p).
LOOKALIKES = str.maketrans(
    {
        **dict(zip("авеіјкмнорстухѕԁһԛԝӏ", "abeijkmhopctyxsdhqwl", strict=True)),
        **dict(zip("αβεζηικμνορτυχ", "abezhikmvoptux", strict=True)),
    }
)
LATIN_LETTER = re.compile("[a-z]")
# Words are indexed by their prefixes up to this length; a longer query word is looked up by its first ones.
PREFIX_LENGTH = 15
# A query's words beyond these are not looked up (each one narrows the results; few titles have more).
QUERY_WORDS = 8


def fold(text):
    """The text in lower case, without accents or format characters, compatibility forms unified."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch) and unicodedata.category(ch) != "Cf")
    return unicodedata.normalize("NFKC", kept).casefold()


def unconfused(word):
    """A folded word with its Latin-looking Cyrillic and Greek letters read as Latin, when it could pass for Latin."""
    latin = word.translate(LOOKALIKES)
    if latin == word:
        return word
    could_pass = LATIN_LETTER.search(word) or all(ch.isascii() for ch in latin)
    return latin if could_pass else word


def words(text):
    """The folded words of the text ("Pan's Labyrinth" -> pans, labyrinth), lookalike letters read as Latin."""
    return [unconfused(word) for word in WORD.findall(APOSTROPHES.sub("", fold(text)))]


def key(text):
    """The folded words joined by one space: what two spellings of one name share."""
    return " ".join(words(text))


def prefixes(word):
    """Every prefix a query may type of this word, and the word itself."""
    return {word[:length] for length in range(1, min(len(word), PREFIX_LENGTH) + 1)} | {word}


def terms(texts, joined=False):
    """The sorted search terms of these texts: every prefix of every word.

    joined adds two neighbouring words written as one ("Spider-Man" is also found as "spiderman").
    """
    found = set()
    for text in texts:
        text_words = words(text)
        for word in text_words:
            found |= prefixes(word)
        if joined:
            for first, second in pairwise(text_words):
                found |= prefixes(first + second)
    return sorted(found)


def query_variants(query):
    """The lists of terms a query may mean: its words as typed, and with two neighbouring ones joined.

    "god father" is looked up as [god, father] and as [godfather]; no words, no variants.
    """
    typed = [word[:PREFIX_LENGTH] for word in words(query)][:QUERY_WORDS]
    variants = [typed] if typed else []
    for index in range(len(typed) - 1):
        joined = (typed[index] + typed[index + 1])[:PREFIX_LENGTH]
        variant = [*typed[:index], joined, *typed[index + 2 :]]
        if variant not in variants:
            variants.append(variant)
    return variants
