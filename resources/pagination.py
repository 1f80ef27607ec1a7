"""Page a query and describe the pages in X-Total-Count and an RFC 8288 Link header."""

from math import ceil

from flask import request, url_for


def paginate(query, page, per_page, total):
    """One page of a queryset or pymongo cursor of total matches, and the headers that tell the client
    where the others are."""
    items = query.skip((page - 1) * per_page).limit(per_page)
    last = max(1, ceil(total / per_page))
    pages = {"first": 1}
    if page > 1:
        pages["prev"] = min(page - 1, last)
    if page < last:
        pages["next"] = page + 1
    pages["last"] = last
    query = {**request.args.to_dict(), "per_page": per_page}
    links = ", ".join(
        f'<{url_for(request.endpoint, **request.view_args, **{**query, "page": number}, _external=True)}>; rel="{rel}"'
        for rel, number in pages.items()
    )
    return items, {"X-Total-Count": str(total), "Link": links}
