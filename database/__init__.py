"""The data layer: one module per aggregate, and the only code that talks to MongoDB.

- accounts.py: users, their sessions and password resets
- movies.py: the catalogue (identity, search terms, lists, facets)
- ratings.py, reviews.py, watchlists.py: what people say of movies
- posters.py: poster images in GridFS
- common.py, text.py, paging.py: what those share; db.py connects, migrations.py shapes the database

What every query function returns, for every aggregate: stored rows, the dicts MongoDB holds (with
`_id`), or lists and pages (paging.Page) of them, or plain values; never a MongoEngine document or
queryset (tests/test_architecture.py checks it over a tour of the API). Building a document per row
costs more than answering it, and one kind of value means no caller has to know which it holds.
Documents are the schema (fields, validation, indexes, delete rules) and the home of each aggregate's
functions; test factories build documents directly.
"""
