"""Writes that only a document's owner (or an admin) may make, guarded by If-Match against lost updates.

Movies and reviews work alike: their answers carry an ETag, "<id>-<version>"; a write sent with
If-Match happens only at one of the versions it names, and the version check, the owner check and the
write are one conditional database write (database/, OwnedDocument).
"""

import hashlib
import re

from flask import request
from werkzeug.exceptions import Forbidden, NotFound, PreconditionFailed
from werkzeug.http import quote_etag

from resources.caching import CODINGS
from resources.errors import coded
from resources.tokens import current_user, current_user_id

VERSION = re.compile(r"[0-9]{1,15}")
CODING_SUFFIX = re.compile(f":(?:{'|'.join(CODINGS)})$")
# A variant of a version (one caller's `viewer`, some `fields`): "<id>-<version>-v<digest>".
VARIANT_SUFFIX = re.compile(r"-v[0-9a-f]{16}$")


def etag(row, variant=None):
    """The entity tag of this version of a movie or review row; a variant (who asks, what they see) gets its own."""
    tag = f"{row['_id']}-{row['version']}"
    if variant is None:
        return tag
    return f"{tag}-v{hashlib.sha256(repr(variant).encode()).hexdigest()[:16]}"


def tagged(schema, row, status=200, headers=None, variant=None):
    """One document dumped by schema, with its ETag."""
    return schema.dump(row), status, {"ETag": quote_etag(etag(row, variant)), **(headers or {})}


def if_match_versions(doc_id):
    """The versions an If-Match header lets this write happen at; None when it allows any."""
    if not request.if_match or request.if_match.star_tag:
        return None
    prefix = f"{doc_id}-"
    # A compressed answer's tag ends in its coding (":br"), a variant's in its digest: the same version of the document.
    tags = (
        VARIANT_SUFFIX.sub("", CODING_SUFFIX.sub("", tag.removeprefix(prefix)))
        for tag in request.if_match.as_set()
        if tag and tag.startswith(prefix)
    )
    # Any other tag (empty, another document's, digits MongoDB cannot hold) matches no version.
    return [int(version) for version in tags if VERSION.fullmatch(version)]


def write_owned(document_class, doc_id, write, what, forbidden, if_match=True):
    """Run write(owner=..., versions=...) on the document, as its owner or else as an admin.

    The owner's write is tried first, conditioned on the owner field, so it needs only the token's
    user id; the user is read only when that matches nothing, to see whether an admin may write anyway.
    Returns what write returned; raises 404 ("No <what> has this id."), 403 (forbidden) or 412, in
    that order, when no write happened.
    """
    versions = if_match_versions(doc_id) if if_match else None
    result = write(owner=current_user_id(), versions=versions)
    if not result and current_user["is_admin"]:
        result = write(owner=None, versions=versions)
    if result:
        return result
    row = document_class.read(doc_id)
    if row is None:
        raise NotFound(f"No {what} has this id.")
    if not (current_user["is_admin"] or row[document_class.owner_field] == current_user["_id"]):
        raise coded(Forbidden(forbidden), "forbidden_not_owner")
    raise PreconditionFailed() if versions is not None else NotFound(f"No {what} has this id.")


def require_writable(document_class, doc_id, what, forbidden):
    """The document's row if the caller may write it (its owner, or an admin): 404 or 403 otherwise.

    For a write whose request costs work before the write itself (a poster's image): the caller is told
    no before any of it is done. The write stays conditional on the owner all the same (write_owned).
    """
    row = document_class.read(doc_id)
    if row is None:
        raise NotFound(f"No {what} has this id.")
    if row[document_class.owner_field] != current_user_id() and not current_user["is_admin"]:
        raise coded(Forbidden(forbidden), "forbidden_not_owner")
    return row
