"""The bench's catalogue: generated movies, stored as the app stores them, loaded in batches.

Names are two to four words of a title vocabulary, people a first and a last name, both drawn with
Zipf-like weights so that some words and surnames are common (a search for one finds many movies, as a
search for "smith" does in a real catalogue); one to three of twenty genres, years 1920-2025. Rows are
what `Movie.create` writes: `Movie.STORED_DEFAULTS` (without the sparse external ids), the fields, the
owner, the dates, version 1 and `Movie.derive(...)`. Every tenth movie carries a rating by the owner,
with its row in `ratings`, so the rating order has rated movies to sort.
"""

import random
import time
from datetime import timedelta

from database.common import utcnow
from database.movies import UNIQUE_FILTERS, Movie


def vocabulary(text):
    """The words of a text, in order."""
    return text.split()


TITLE_WORDS = vocabulary(
    "the last night city dark road house river blood star love war king queen shadow fire storm "
    "winter summer ghost secret lost silent broken golden iron glass wild black white red blue "
    "midnight morning dream heart stone empire kingdom island ocean desert mountain forest garden "
    "bridge tower station street letter promise journey return rise fall edge line circle game hunter "
    "soldier stranger witness daughter son mother father brother sister children angel devil saint "
    "sinner thief killer doctor captain pilot dancer singer painter writer ballad song echo whisper "
    "thunder rain snow wind light time memory future past tomorrow yesterday forever always never "
    "crossing escape chase hour day year paradise harbor valley canyon frontier border legend story "
    "tale myth spell curse crown sword shield arrow wolf tiger eagle raven serpent horse dragon "
    "phoenix lion fox bear"
)
FIRST_NAMES = vocabulary(
    "James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara Richard "
    "Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Nancy Matthew Lisa Anthony Betty Mark "
    "Margaret Paul Sandra Steven Ashley Andrew Kimberly Kenneth Emily Joshua Donna Kevin Michelle "
    "Brian Carol George Amanda Edward Melissa Ronald Deborah Timothy Stephanie Jason Rebecca Jeffrey "
    "Sharon Ryan Laura Jacob Cynthia Gary Kathleen Nicholas Amy Eric Angela Jonathan Shirley Stephen "
    "Anna Larry Brenda Justin Pamela Scott Emma Brandon Nicole Benjamin Helen Samuel Samantha Gregory "
    "Katherine Amélie Zoë Renée José Søren Björn Chloé Noël"
)
LAST_NAMES = vocabulary(
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
    "Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill "
    "Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips "
    "Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers "
    "Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson "
    "Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders "
    "Patel Myers Long Ross Foster Jiménez Müller Dubois Pacino Kowalski Rossi Nakamura Søgaard Löwe"
)
GENRES = vocabulary(
    "Drama Comedy Action Thriller Sci-Fi Horror Romance Crime War Animation Adventure Fantasy Mystery "
    "Documentary Family Musical Western Biography History Sport"
)
# A common surname prefix: what the bench's `q` row searches for (about one movie in seven has a Smith).
COMMON_PREFIX = "smi"
RATED_EVERY = 10
BATCH = 500


def zipf(items, exponent=0.8):
    """items with weights falling as 1/rank**exponent, for random.choices."""
    return list(items), [1 / (rank + 1) ** exponent for rank in range(len(items))]


def person(rng, firsts, lasts):
    """A first and a last name."""
    return f"{rng.choices(*firsts)[0]} {rng.choices(*lasts)[0]}"


def movies(size, owner_id, seed=2026):
    """size movie rows as the app stores them, newest last, unique by name and year; deterministic."""
    rng = random.Random(seed)
    words, firsts, lasts = zipf(TITLE_WORDS), zipf(FIRST_NAMES, 0.3), zipf(LAST_NAMES, 0.3)
    defaults = {field: value for field, value in Movie.STORED_DEFAULTS.items() if field not in UNIQUE_FILTERS}
    start = utcnow().replace(microsecond=0) - timedelta(seconds=size)
    taken, rows = set(), []
    while len(rows) < size:
        name = " ".join(rng.choices(*words)[0] for _ in range(rng.randint(2, 4))).title()
        year = rng.randint(1920, 2025)
        if (name.lower(), year) in taken:
            continue
        taken.add((name.lower(), year))
        created = start + timedelta(seconds=len(rows))
        row = {
            **defaults,
            "name": name,
            "casts": list(dict.fromkeys(person(rng, firsts, lasts) for _ in range(rng.randint(2, 6)))),
            "genres": rng.sample(GENRES, rng.randint(1, 3)),
            "year": year,
            "runtime_minutes": rng.randint(70, 190),
            "directors": [person(rng, firsts, lasts) for _ in range(rng.choice((1, 1, 1, 2)))],
            "added_by": owner_id,
            "created_at": created,
            "updated_at": created,
            "version": 1,
        }
        if len(rows) % RATED_EVERY == 0:
            score = rng.randint(1, 10)
            row.update(rating_sum=score, rating_count=1, rating_average=float(score), rated=True)
        row.update(Movie.derive(row))
        rows.append(row)
    return rows


def load(db, size, owner_id, progress=print):
    """Insert the catalogue (and its ratings) into db in batches of BATCH; returns (ids oldest first, seconds)."""
    rows = movies(size, owner_id)
    started = last_report = time.monotonic()
    for offset in range(0, size, BATCH):
        db["movies"].insert_many(rows[offset : offset + BATCH], ordered=False)
        if time.monotonic() - last_report > 30 or offset + BATCH >= size:
            last_report = time.monotonic()
            done = min(offset + BATCH, size)
            elapsed = last_report - started
            progress(f"    {done:,} of {size:,} movies in {elapsed:.0f} s ({elapsed / done * 1000:.1f} ms a movie)")
    ratings = [
        {"user": owner_id, "movie": row["_id"], "score": row["rating_sum"], "updated_at": row["created_at"]} for row in rows if row["rated"]
    ]
    for offset in range(0, len(ratings), BATCH):
        db["ratings"].insert_many(ratings[offset : offset + BATCH], ordered=False)
    return [row["_id"] for row in rows], time.monotonic() - started
