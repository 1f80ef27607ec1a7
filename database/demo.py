"""A small demo catalogue so a newcomer sees data at once."""

import hashlib
import io
import textwrap
import unicodedata

from flask import current_app
from PIL import Image, ImageDraw, ImageFont

from database import posters
from database.accounts import User
from database.movies import Movie
from database.ratings import Rating
from database.reviews import Review

DEMO_EMAIL = "demo@movie-bag.dev"
DEMO_PASSWORD = "demo-password"
# The embedded database lives inside the server process, so `flask create-admin` run from another
# terminal cannot reach it: the demo brings its own admin.
DEMO_ADMIN_EMAIL = "admin@movie-bag.dev"
DEMO_ADMIN_PASSWORD = "admin-password"

DEMO_MOVIES = [
    ("The Shawshank Redemption", ["Tim Robbins", "Morgan Freeman"], ["Drama"]),
    ("The Godfather", ["Marlon Brando", "Al Pacino", "James Caan"], ["Crime", "Drama"]),
    ("The Dark Knight", ["Christian Bale", "Heath Ledger", "Aaron Eckhart"], ["Action", "Crime", "Drama"]),
    ("Pulp Fiction", ["John Travolta", "Uma Thurman", "Samuel L. Jackson"], ["Crime", "Drama"]),
    ("Forrest Gump", ["Tom Hanks", "Robin Wright", "Gary Sinise"], ["Drama", "Romance"]),
    ("Inception", ["Leonardo DiCaprio", "Joseph Gordon-Levitt", "Elliot Page"], ["Action", "Sci-Fi"]),
    ("Fight Club", ["Brad Pitt", "Edward Norton", "Helena Bonham Carter"], ["Drama"]),
    ("The Matrix", ["Keanu Reeves", "Laurence Fishburne", "Carrie-Anne Moss"], ["Action", "Sci-Fi"]),
    ("Goodfellas", ["Robert De Niro", "Ray Liotta", "Joe Pesci"], ["Biography", "Crime", "Drama"]),
    ("Interstellar", ["Matthew McConaughey", "Anne Hathaway", "Jessica Chastain"], ["Adventure", "Drama", "Sci-Fi"]),
    ("Seven Samurai", ["Toshiro Mifune", "Takashi Shimura"], ["Action", "Drama"]),
    ("Spirited Away", ["Rumi Hiiragi", "Miyu Irino"], ["Animation", "Adventure", "Family"]),
    ("Parasite", ["Song Kang-ho", "Lee Sun-kyun", "Cho Yeo-jeong"], ["Drama", "Thriller"]),
    ("The Silence of the Lambs", ["Jodie Foster", "Anthony Hopkins"], ["Crime", "Drama", "Thriller"]),
    ("Saving Private Ryan", ["Tom Hanks", "Matt Damon", "Tom Sizemore"], ["Drama", "War"]),
    ("The Green Mile", ["Tom Hanks", "Michael Clarke Duncan", "David Morse"], ["Crime", "Drama", "Fantasy"]),
    ("Se7en", ["Morgan Freeman", "Brad Pitt", "Kevin Spacey"], ["Crime", "Drama", "Mystery"]),
    ("City of God", ["Alexandre Rodrigues", "Leandro Firmino"], ["Crime", "Drama"]),
    ("Life Is Beautiful", ["Roberto Benigni", "Nicoletta Braschi"], ["Comedy", "Drama", "Romance"]),
    ("Back to the Future", ["Michael J. Fox", "Christopher Lloyd", "Lea Thompson"], ["Adventure", "Comedy", "Sci-Fi"]),
    ("Gladiator", ["Russell Crowe", "Joaquin Phoenix", "Connie Nielsen"], ["Action", "Adventure", "Drama"]),
    ("The Lion King", ["Matthew Broderick", "Jeremy Irons", "James Earl Jones"], ["Animation", "Adventure", "Drama"]),
    ("Alien", ["Sigourney Weaver", "Tom Skerritt", "John Hurt"], ["Horror", "Sci-Fi"]),
    ("Amélie", ["Audrey Tautou", "Mathieu Kassovitz"], ["Comedy", "Romance"]),
    ("Casablanca", ["Humphrey Bogart", "Ingrid Bergman", "Paul Henreid"], ["Drama", "Romance", "War"]),
    ("Whiplash", ["Miles Teller", "J.K. Simmons"], ["Drama", "Music"]),
    ("The Prestige", ["Christian Bale", "Hugh Jackman", "Scarlett Johansson"], ["Drama", "Mystery", "Sci-Fi"]),
    ("Mad Max: Fury Road", ["Tom Hardy", "Charlize Theron", "Nicholas Hoult"], ["Action", "Adventure", "Sci-Fi"]),
    ("Toy Story", ["Tom Hanks", "Tim Allen", "Don Rickles"], ["Animation", "Adventure", "Comedy"]),
    ("Pan's Labyrinth", ["Ivana Baquero", "Sergi López", "Maribel Verdú"], ["Drama", "Fantasy", "War"]),
    ("Arrival", ["Amy Adams", "Jeremy Renner", "Forest Whitaker"], ["Drama", "Mystery", "Sci-Fi"]),
    ("Oldboy", ["Choi Min-sik", "Yoo Ji-tae"], ["Action", "Drama", "Mystery"]),
]


# name: (year, runtime in minutes, directors, one-line overview)
DEMO_DETAILS = {
    "The Shawshank Redemption": (
        1994,
        142,
        ["Frank Darabont"],
        "Two imprisoned men bond over the years, finding solace and redemption through acts of common decency.",
    ),
    "The Godfather": (
        1972,
        175,
        ["Francis Ford Coppola"],
        "The aging patriarch of a crime dynasty hands control to his reluctant youngest son.",
    ),
    "The Dark Knight": (2008, 152, ["Christopher Nolan"], "Batman faces the Joker, a criminal mastermind who plunges Gotham into anarchy."),
    "Pulp Fiction": (
        1994,
        154,
        ["Quentin Tarantino"],
        "Two hitmen, a boxer and a pair of diner bandits cross paths in tales of violence and redemption.",
    ),
    "Forrest Gump": (1994, 142, ["Robert Zemeckis"], "A kind man with a low IQ finds himself at the heart of decades of American history."),
    "Inception": (2010, 148, ["Christopher Nolan"], "A thief who steals secrets through dreams is asked to plant an idea instead."),
    "Fight Club": (
        1999,
        139,
        ["David Fincher"],
        "An insomniac office worker and a soap maker start an underground fight club that grows out of hand.",
    ),
    "The Matrix": (
        1999,
        136,
        ["Lana Wachowski", "Lilly Wachowski"],
        "A hacker learns his world is a simulation and joins the rebellion against its makers.",
    ),
    "Goodfellas": (1990, 146, ["Martin Scorsese"], "The rise and fall of Henry Hill and his friends in the mob."),
    "Interstellar": (2014, 169, ["Christopher Nolan"], "Explorers travel through a wormhole in search of a new home for humanity."),
    "Seven Samurai": (1954, 207, ["Akira Kurosawa"], "A poor village hires seven masterless samurai to defend it against bandits."),
    "Spirited Away": (
        2001,
        125,
        ["Hayao Miyazaki"],
        "A girl wanders into a world of spirits and works in a bathhouse to free her parents.",
    ),
    "Parasite": (2019, 132, ["Bong Joon-ho"], "A poor family schemes its way into the employ of a wealthy household."),
    "The Silence of the Lambs": (
        1991,
        118,
        ["Jonathan Demme"],
        "An FBI trainee asks an imprisoned cannibal for help in catching another killer.",
    ),
    "Saving Private Ryan": (
        1998,
        169,
        ["Steven Spielberg"],
        "After the Normandy landings, a squad goes behind enemy lines to bring a paratrooper home.",
    ),
    "The Green Mile": (1999, 189, ["Frank Darabont"], "A death row guard discovers that one of his prisoners has a mysterious gift."),
    "Se7en": (1995, 127, ["David Fincher"], "Two detectives hunt a killer who takes the seven deadly sins as his motives."),
    "City of God": (
        2002,
        130,
        ["Fernando Meirelles", "Kátia Lund"],
        "Two boys grow up in a violent Rio de Janeiro favela and take different paths.",
    ),
    "Life Is Beautiful": (
        1997,
        116,
        ["Roberto Benigni"],
        "A Jewish father uses humour and imagination to shield his son in a concentration camp.",
    ),
    "Back to the Future": (1985, 116, ["Robert Zemeckis"], "A teenager is sent thirty years into the past in a time-travelling car."),
    "Gladiator": (2000, 155, ["Ridley Scott"], "A betrayed Roman general becomes a gladiator and seeks revenge on the emperor."),
    "The Lion King": (
        1994,
        88,
        ["Roger Allers", "Rob Minkoff"],
        "A lion prince flees his kingdom after his father's murder and returns to reclaim it.",
    ),
    "Alien": (1979, 117, ["Ridley Scott"], "The crew of a commercial spaceship is hunted by a deadly creature."),
    "Amélie": (2001, 122, ["Jean-Pierre Jeunet"], "A shy Parisian waitress sets out to change the lives of those around her."),
    "Casablanca": (
        1942,
        102,
        ["Michael Curtiz"],
        "A nightclub owner in wartime Morocco must choose between love and helping his former lover escape.",
    ),
    "Whiplash": (2014, 106, ["Damien Chazelle"], "A young drummer is pushed to his limits by a ruthless music teacher."),
    "The Prestige": (
        2006,
        130,
        ["Christopher Nolan"],
        "Two rival stage magicians wage an escalating battle to create the ultimate illusion.",
    ),
    "Mad Max: Fury Road": (
        2015,
        120,
        ["George Miller"],
        "In a desert wasteland, a warrior and a drifter flee a tyrant with his captive wives.",
    ),
    "Toy Story": (1995, 81, ["John Lasseter"], "A cowboy doll feels threatened when a spaceman action figure becomes the favourite toy."),
    "Pan's Labyrinth": (2006, 118, ["Guillermo del Toro"], "In Francoist Spain, a girl escapes into an eerie fantasy world."),
    "Arrival": (
        2016,
        116,
        ["Denis Villeneuve"],
        "A linguist races to understand the language of visitors who have landed around the world.",
    ),
    "Oldboy": (
        2003,
        120,
        ["Park Chan-wook"],
        "A man held captive for fifteen years without a reason is released and hunts for his captor.",
    ),
}
# (movie, score by the demo user, score by the demo admin, review by the demo user or None)
DEMO_OPINIONS = [
    ("The Godfather", 10, 9, "A family saga that never lets go: every scene earns its place."),
    ("Parasite", 9, 10, "Funny, then tense, then devastating. The staircase says it all."),
    ("Inception", 8, 7, "Big ideas, bigger set pieces; the ending still starts arguments."),
    ("Spirited Away", 10, 9, "Pure wonder from the first frame. Watch it on the biggest screen you have."),
    ("Alien", 8, 8, None),
    ("Casablanca", 9, 7, "Here's looking at it: it holds up beautifully."),
    ("Whiplash", 8, 9, None),
    ("The Matrix", 7, 8, None),
]
POSTER_SIZE, THUMB_SIZE = (400, 600), (300, 450)


def card_font(size):
    """DejaVu Sans where the system has it (every accented letter), else Pillow's own font."""
    try:
        return ImageFont.truetype("DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default(size)


def title_card(name, year, size):
    """A poster drawn here with Pillow: the title and year on a colour of its own (no downloads)."""
    shade = hashlib.sha256(name.encode()).digest()
    background = tuple(40 + byte % 120 for byte in shade[:3])
    card = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(card)
    scale = size[0] / POSTER_SIZE[0]
    draw.rectangle(
        [12 * scale, 12 * scale, size[0] - 12 * scale, size[1] - 12 * scale], outline=(240, 230, 210), width=max(1, round(3 * scale))
    )
    title_font, year_font = card_font(round(40 * scale)), card_font(round(28 * scale))
    if not isinstance(getattr(title_font, "path", None), str):
        # Pillow's own font has no accented letters (a box would stand for the é of Amélie): fold them.
        name = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    lines = textwrap.wrap(name, width=14) or [name]
    top = size[1] * 0.32
    for line in lines:
        width = draw.textlength(line, font=title_font)
        draw.text(((size[0] - width) / 2, top), line, fill=(250, 245, 235), font=title_font)
        top += 50 * scale
    year_text = str(year)
    draw.text(((size[0] - draw.textlength(year_text, font=year_font)) / 2, size[1] * 0.78), year_text, fill=(240, 230, 210), font=year_font)
    out = io.BytesIO()
    card.save(out, "PNG", optimize=True)
    return out.getvalue()


def _demo_user(email, password, display_name, is_admin=False):
    """The demo account with this email, created if missing."""
    return User.find_by_email(email) or User.create(email, password, is_admin=is_admin, display_name=display_name)


def load_demo_catalogue():
    """Create the demo users and add every demo movie the catalogue lacks, with a poster each, and the
    demo users' ratings and reviews of them; returns how many movies were added."""
    user = _demo_user(DEMO_EMAIL, DEMO_PASSWORD, "Demo Viewer")
    admin = _demo_user(DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, "The Projectionist", is_admin=True)
    existing = set(Movie.objects(name__in=[name for name, _, _ in DEMO_MOVIES]).scalar("name"))
    added = {}
    for name, casts, genres in DEMO_MOVIES:
        if name in existing:
            continue
        year, runtime, directors, overview = DEMO_DETAILS[name]
        fields = {
            "name": name,
            "casts": casts,
            "genres": genres,
            "year": year,
            "runtime_minutes": runtime,
            "directors": directors,
            "overview": overview,
        }
        movie = Movie.create(fields, user["_id"])
        poster = posters.store(movie["_id"], title_card(name, year, POSTER_SIZE), title_card(name, year, THUMB_SIZE), "image/png")
        Movie.set_poster(movie["_id"], poster)
        added[name] = movie["_id"]
    for name, score, admin_score, review in DEMO_OPINIONS:
        if name in added:
            Rating.put(user["_id"], added[name], score)
            Rating.put(admin["_id"], added[name], admin_score)
            if review:
                Review.create(added[name], user["_id"], review)
    current_app.logger.info("demo catalogue: %d movies added for %s", len(added), DEMO_EMAIL)
    return len(added)
