"""The data layer: one module per aggregate, and the only code that talks to MongoDB.

- accounts.py: users, their sessions and password resets
- movies.py: the catalogue (identity, search terms, lists, facets)
- ratings.py, reviews.py, watchlists.py: what people say of movies
- posters.py: poster images in GridFS
- common.py, text.py, paging.py: what those share; db.py connects, migrations.py shapes the database

What the query functions return: a movie, rating, review or watchlist is a stored row, the dict
MongoDB holds (with `_id`), never a MongoEngine document: a list page would otherwise build one object
per row, which costs more than answering it. Documents are the schema (fields, validation, indexes,
delete rules) and the home of each aggregate's functions.
"""
