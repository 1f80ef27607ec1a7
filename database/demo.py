"""A small demo catalogue so a newcomer sees data at once."""

from flask import current_app

from database.models import Movie, User

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


def _demo_user(email, password, is_admin=False):
    """The demo account with this email, created if missing."""
    user = User.find_by_email(email)
    if user is None:
        user = User(email=email, is_admin=is_admin)
        user.set_password(password)
        user.save()
    return user


def load_demo_catalogue():
    """Create the demo users and add every demo movie the catalogue lacks; returns how many were added."""
    user = _demo_user(DEMO_EMAIL, DEMO_PASSWORD)
    _demo_user(DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, is_admin=True)
    existing = set(Movie.objects(name__in=[name for name, _, _ in DEMO_MOVIES]).scalar("name"))
    added = 0
    for name, casts, genres in DEMO_MOVIES:
        if name not in existing:
            Movie(name=name, casts=casts, genres=genres, added_by=user).save()
            added += 1
    current_app.logger.info("demo catalogue: %d movies added for %s", added, DEMO_EMAIL)
    return added
