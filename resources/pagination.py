"""Pages of a list: numbered near the start, an opaque signed cursor anywhere; X-Total-Count and RFC 8288 Link.

A cursor is the position of the last row a page showed (database/paging.py), signed with the app's key
(itsdangerous) together with a digest of the list it belongs to (the endpoint, its path and every query
parameter but page, per_page, cursor and fields). A forged, truncated or foreign cursor (another list, filter or
order) is a 400 naming `cursor`, never a scan. Numbered pages reach the first RESULT_WINDOW rows only.
"""

import hashlib
from math import ceil

from flask import current_app, request, url_for
from itsdangerous import BadData, URLSafeSerializer
from marshmallow import ValidationError

from database import paging
from database.paging import RESULT_WINDOW, BadPosition
from resources.contract import Reply

PAGE_HEADERS = ("X-Total-Count", "X-Total-Count-Exceeds", "Link")
NOT_PAGE_ARGUMENTS = ("page", "per_page", "cursor")
# `fields` picks what each row shows, not which rows: a cursor serves any selection of its list.
NOT_LIST_ARGUMENTS = (*NOT_PAGE_ARGUMENTS, "fields")
BAD_CURSOR = "This cursor is not valid for this list: use the Link header's URLs as they are, or start again from the first page."


def page_reply(description, schema):
    """The answer of a paginated list: one page of items and the headers that find the others."""
    return Reply(description, schema, PAGE_HEADERS)


def list_digest():
    """What identifies the list a request asks for, apart from its paging."""
    arguments = sorted((name, tuple(request.args.getlist(name))) for name in request.args if name not in NOT_LIST_ARGUMENTS)
    identity = repr((request.endpoint, sorted((request.view_args or {}).items()), arguments))
    return hashlib.sha256(identity.encode()).hexdigest()[:32]


def serializer():
    """Signs and checks cursors with the app's secret key."""
    return URLSafeSerializer(current_app.config["JWT_SECRET_KEY"], salt="movie-bag list cursor")


def position(args):
    """The position a request's cursor names (None without one); 400 for a cursor of anything else."""
    cursor = args.get("cursor")
    if cursor is None:
        return None
    try:
        digest, encoded = serializer().loads(cursor)
        if digest != list_digest():
            raise BadPosition(BAD_CURSOR)
        return paging.decode(encoded)
    except (BadData, BadPosition, TypeError, ValueError) as error:
        raise ValidationError({"cursor": [BAD_CURSOR]}) from error


def read_page(args, read):
    """Run read(per_page, position=..., page_number=...) for the request's paging: (rows, headers).

    A position that does not fit the list (its order changed meanwhile) is a 400 too.
    """
    try:
        found = read(args["per_page"], position=position(args), page_number=args.get("page"))
    except BadPosition as error:
        raise ValidationError({"cursor": [BAD_CURSOR]}) from error
    return found.rows, page_headers(found, args)


def link(rel, **paging_arguments):
    """One Link entry: this list with these paging arguments, absolute from PUBLIC_URL (never the Host header)."""
    query = {name: request.args.getlist(name) for name in request.args if name not in NOT_PAGE_ARGUMENTS}
    url = url_for(request.endpoint, **(request.view_args or {}), **query, **paging_arguments)
    return f'<{current_app.config["PUBLIC_URL"]}{url}>; rel="{rel}"'


def page_headers(found, args):
    """X-Total-Count (or X-Total-Count-Exceeds past COUNT_LIMIT) and Link: first, prev and last by number
    (on numbered pages), next by cursor whenever more rows follow."""
    per_page = args["per_page"]
    links = [link("first", page=1, per_page=per_page)]
    number = None if args.get("cursor") else args.get("page") or 1
    last = None if found.total is None else max(1, ceil(found.total / per_page))
    if number and number > 1:
        links.append(link("prev", page=min(number - 1, last or number - 1), per_page=per_page))
    if found.next_position is not None:
        cursor = serializer().dumps([list_digest(), paging.encode(found.next_position)])
        links.append(link("next", cursor=cursor, per_page=per_page))
    headers = {}
    if found.total is None:
        headers["X-Total-Count-Exceeds"] = str(paging.COUNT_LIMIT)
    else:
        headers["X-Total-Count"] = str(found.total)
        if number:
            links.append(link("last", page=last, per_page=per_page))
    headers["Link"] = ", ".join(links)
    return headers


__all__ = ["RESULT_WINDOW", "page_headers", "page_reply", "read_page"]
