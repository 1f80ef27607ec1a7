"""Pages of a list in a fixed, unique order: by position among the first rows, or after a row's keys.

A list is one or more segments, each a query with its order (a search is three: the exact name, then
names with every word, then the rest); every order ends with `_id`, so no two rows tie. A page is read
either by skipping rows (only near the start: at most RESULT_WINDOW rows deep) or by keyset: the rows
after the last one seen, whose position (its segment and sort keys) the next page's cursor carries. A
keyset page costs the same however deep it is: on MongoDB it is an index range scan.

Counting stops at COUNT_LIMIT: a page says how many rows match up to that, and "more" beyond.
"""

from dataclasses import dataclass

from bson import json_util
from bson.json_util import CANONICAL_JSON_OPTIONS

RESULT_WINDOW = 1000
COUNT_LIMIT = 1000


class BadPosition(ValueError):
    """A cursor's position does not fit the list it is used on."""


@dataclass
class Segment:
    """One query of a list, its order ([(field, 1 or -1), ...], ending with _id) and its nullable sort fields."""

    query: dict
    order: list
    nullable: tuple = ()


@dataclass
class Page:
    """The rows of a page; the position of its last row when more follow (else None); the count (None past COUNT_LIMIT)."""

    rows: list
    next_position: list | None
    total: int | None


def beyond(field, direction, value, nullable):
    """The condition that a field's value comes after value in this direction; None when nothing can.

    MongoDB orders null (and missing) before every number, string or date: ascending, everything that
    is not null comes after a null; descending, nulls come after every value.
    """
    if direction == 1:
        return {field: {"$ne": None}} if value is None else {field: {"$gt": value}}
    if value is None:
        return None
    less = {field: {"$lt": value}}
    return {"$or": [less, {field: None}]} if field in nullable else less


def after(segment, keys):
    """The filter of the segment's rows that come after a row with these sort keys.

    An $or of "equal on the first fields, beyond on the next", and a range on the leading field when it
    is never null, so that MongoDB scans only the index from the last row on.
    """
    clauses = []
    for index, (field, direction) in enumerate(segment.order):
        condition = beyond(field, direction, keys[index], segment.nullable)
        if condition is not None:
            equal = [{name: value} for (name, _), value in zip(segment.order[:index], keys[:index], strict=True)]
            clauses.append({"$and": [*equal, condition]} if equal else condition)
    if not clauses:
        return {"_id": {"$exists": False}}  # nothing comes after the last row
    lead, direction = segment.order[0]
    conditions = [segment.query, {"$or": clauses}] if segment.query else [{"$or": clauses}]
    if lead not in segment.nullable and keys[0] is not None:
        conditions.append({lead: {"$gte" if direction == 1 else "$lte": keys[0]}})
    return {"$and": conditions}


def sort_keys(row, order):
    """The row's values of the order's fields."""
    return [row.get(field) for field, _ in order]


def read(collection, segments, per_page, position=None, skip=0, projection=None):
    """Up to per_page rows from position (or after skipping skip rows), and the position of the last one
    when more follow. Reads per_page + 1 rows at most (plus skip), segment after segment."""
    start, keys = (position[0], position[1:]) if position else (0, None)
    wanted, found = skip + per_page + 1, []
    for index in range(start, len(segments)):
        segment = segments[index]
        query = after(segment, keys) if keys is not None and index == start else segment.query
        cursor = collection.find(query, projection)
        if segment.order:
            cursor = cursor.sort(segment.order)
        found += [(index, row) for row in cursor.limit(wanted - len(found))]
        if len(found) >= wanted:
            break
    found = found[skip:]
    more = len(found) > per_page
    found = found[:per_page]
    last = [found[-1][0], *sort_keys(found[-1][1], segments[found[-1][0]].order)] if more else None
    return [row for _, row in found], last


def count(collection, query):
    """How many rows match, or None when more than COUNT_LIMIT do (counting stops there)."""
    total = collection.count_documents(query, limit=COUNT_LIMIT + 1)
    return total if total <= COUNT_LIMIT else None


def page(collection, segments, per_page, count_query, position=None, page_number=None, projection=None):
    """One page of the list: by cursor position, or by page number (1 when neither is given)."""
    if position is not None:
        check(position, segments)
    skip = 0 if position is not None else ((page_number or 1) - 1) * per_page
    rows, last = read(collection, segments, per_page, position, skip, projection)
    return Page(rows, last, count(collection, count_query) if count_query is not None else None)


def check(position, segments):
    """BadPosition unless position names a segment of this list and one key per field of its order."""
    if not (isinstance(position, list) and position and isinstance(position[0], int) and 0 <= position[0] < len(segments)):
        raise BadPosition("This cursor belongs to another list.")
    if len(position) - 1 != len(segments[position[0]].order):
        raise BadPosition("This cursor belongs to another list.")


def encode(position):
    """A position as text (MongoDB's canonical Extended JSON keeps dates, ids and numbers exact)."""
    return json_util.dumps(position, json_options=CANONICAL_JSON_OPTIONS)


def decode(text):
    """The position encode made, or BadPosition."""
    try:
        return json_util.loads(text, json_options=CANONICAL_JSON_OPTIONS)
    except (ValueError, TypeError) as error:
        raise BadPosition("This cursor is not one this server made.") from error
