"""Describe a page of a list in X-Total-Count and an RFC 8288 Link header."""

from math import ceil

from flask import current_app, request, url_for

from resources.contract import Reply

PAGE_HEADERS = ("X-Total-Count", "Link")


def page_reply(description, schema):
    """The answer of a paginated list: one page of items and the headers that find the others."""
    return Reply(description, schema, PAGE_HEADERS)


def page_headers(page, per_page, total):
    """X-Total-Count and Link (first, prev, next, last) for this page of total matching items."""
    last = max(1, ceil(total / per_page))
    pages = {"first": 1}
    if page > 1:
        pages["prev"] = min(page - 1, last)
    if page < last:
        pages["next"] = page + 1
    pages["last"] = last
    query = {**request.args.to_dict(), "per_page": per_page}
    # Absolute links from PUBLIC_URL, never from the request's Host header (which a client chooses).
    base = current_app.config["PUBLIC_URL"]
    links = ", ".join(
        f'<{base}{url_for(request.endpoint, **request.view_args, **{**query, "page": number})}>; rel="{rel}"'
        for rel, number in pages.items()
    )
    return {"X-Total-Count": str(total), "Link": links}
