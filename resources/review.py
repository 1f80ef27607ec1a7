"""Reviews: anyone reads them; one per person and movie, changed only by its author or an admin."""

from flask import Response, url_for
from flask_restful import Resource
from werkzeug.exceptions import NotFound

from database.reviews import Review, page_by_author, with_authors
from resources.contract import ACCESS, Reply, operation
from resources.movie import read_or_404 as movie_or_404
from resources.ownership import tagged, write_owned
from resources.pagination import page_reply, read_page
from resources.schemas import PageQuerySchema, ReviewQuerySchema, review_input_schema, review_patch_schema, review_schema, reviews_schema
from resources.tokens import current_user_id, require_account

TAG = "Reviews"


def review_tag_variant(review):
    """The author's score is part of the answer but not of the review's version: its ETag follows it too."""
    return None if review["author_score"] is None else ("author_score", review["author_score"])


def tagged_review(review, status=200, headers=None):
    """A review's answer with its ETag."""
    return tagged(review_schema, review, status, headers, variant=review_tag_variant(review))


NOT_YOURS = "Only the person who wrote this review, or an admin, may change it."
review_query_schema = ReviewQuerySchema()


def read_or_404(review_id):
    """The review's row with its author, or a 404."""
    review = Review.read(review_id)
    if review is None:
        raise NotFound("No review has this id.")
    return with_authors([review])[0]


class MovieReviewListResource(Resource):
    """The reviews of one movie."""

    @operation(
        "listReviews",
        "A movie's reviews, newest first",
        description="Paginated like the catalogue; author narrows it to one person's review (so a client finds its user's own).",
        tag=TAG,
        responses={200: page_reply("One page of reviews.", reviews_schema)},
        errors=[404],
        query=review_query_schema,
    )
    def get(self, movie_id, args):
        """Paginated like movies; 404 for an unknown movie."""
        movie_or_404(movie_id)
        reviews, headers = read_page(args, lambda per_page, **where: Review.page(movie_id, per_page, author=args.get("author"), **where))
        return reviews_schema.dump(reviews), 200, headers

    @operation(
        "createReview",
        "Review a movie",
        description="One review per person and movie: a second one is a 409 (change the first instead).",
        tag=TAG,
        responses={201: Reply("Created; Location is the new review.", review_schema, ("ETag", "Location"))},
        errors=[404, 409],
        body=review_input_schema,
        auth=ACCESS,
    )
    def post(self, movie_id, data):
        """404 for an unknown movie."""
        review = Review.create(movie_id, require_account(), data["body"])
        if review is None:
            raise NotFound("No movie has this id.")
        [review] = with_authors([review])
        return tagged_review(review, 201, {"Location": url_for("reviewresource", review_id=review["_id"])})


class ReviewResource(Resource):
    """One review."""

    @operation("getReview", "Read a review", tag=TAG, responses={200: Reply("The review.", review_schema, ("ETag",))}, errors=[404])
    def get(self, review_id):
        """Anyone may."""
        return tagged_review(read_or_404(review_id))

    @operation(
        "updateReview",
        "Change a review",
        description="Its author or an admin may. Send the ETag last read as If-Match and the write happens "
        "only if nobody changed the review since (else 412).",
        tag=TAG,
        responses={200: Reply("The review as stored now.", review_schema, ("ETag",))},
        errors=[403, 404, 412],
        body=review_patch_schema,
        auth=ACCESS,
        if_match=True,
    )
    def patch(self, review_id, data):
        """Change the body."""
        review = write_owned(Review, review_id, lambda **where: Review.update_where(review_id, data, **where), "review", NOT_YOURS)
        return tagged_review(with_authors([review])[0])

    @operation(
        "deleteReview",
        "Remove a review",
        description="Its author or an admin may; with If-Match, only if nobody changed it since (else 412).",
        tag=TAG,
        responses={204: Reply("Deleted.")},
        errors=[403, 404, 412],
        auth=ACCESS,
        if_match=True,
    )
    def delete(self, review_id):
        """Remove it."""
        write_owned(Review, review_id, lambda **where: Review.delete_where(review_id, **where), "review", NOT_YOURS)
        return Response(status=204)


class MyReviewListResource(Resource):
    """One's diary of reviews."""

    @operation(
        "listMyReviews",
        "One's reviews of any movie, newest first",
        tag=TAG,
        responses={200: page_reply("One page of one's reviews.", reviews_schema)},
        query=PageQuerySchema(),
        auth=ACCESS,
    )
    def get(self, args):
        """Paginated like a movie's reviews."""
        user_id = current_user_id()
        reviews, headers = read_page(args, lambda per_page, **where: page_by_author(user_id, per_page, **where))
        return reviews_schema.dump(reviews), 200, headers
