import { useEffect, useMemo, useState } from 'react';
import Alert from 'react-bootstrap/Alert';
import api from '../api/client.js';
import { useAuth } from '../auth/AuthProvider.jsx';
import ErrorAlert from './ErrorAlert.jsx';
import { useAnnounce } from './LiveAnnouncer.jsx';
import Loading from './Loading.jsx';
import ManagedReview from './ManagedReview.jsx';
import Notice from './Notice.jsx';
import PagedResults from './PagedResults.jsx';
import ReviewForm from './ReviewForm.jsx';
import ReviewItem from './ReviewItem.jsx';
import useLiveEvents from '../hooks/useLiveEvents.js';
import useOwnReview from '../hooks/useOwnReview.js';
import usePageParams from '../hooks/usePageParams.js';
import usePagedList from '../hooks/usePagedList.js';

export const PER_PAGE = 5;
export const ALREADY_REVIEWED_NOTICE =
  'You had already reviewed this movie (in another tab, perhaps): that review is shown here; change it instead.';

const listReviews = ({ movieId, ...query }) => api.listReviews(movieId, query);

const time = (iso) => Date.parse(iso);

/**
 * A page of reviews with those the live stream brought since it was read (`posted`: {id: review}):
 * a review on the page takes its newer text, and on the first page (newest first) a review newer
 * than its first one goes on top, the last one making room. Returns {reviews, total}.
 */
export function withPosted(result, posted, firstPage) {
  const listed = result.reviews.map((row) => {
    const fresh = posted.get(row.id);
    return fresh && !(time(fresh.updated_at) < time(row.updated_at)) ? fresh : row;
  });
  const newest = listed.length ? time(listed[0].created_at) : -Infinity;
  const added = firstPage
    ? [...posted.values()]
        .filter((review) => !listed.some((row) => row.id === review.id) && time(review.created_at) > newest)
        .sort((a, b) => time(b.created_at) - time(a.created_at))
    : [];
  const total = result.total === null ? null : result.total + added.length;
  return { reviews: [...added, ...listed].slice(0, PER_PAGE), total };
}

/**
 * The form to write one's review when one has none; one's review, to change or delete, when it
 * is not on the page of the list being shown (where it has its own Edit and Delete).
 */
function MyReview({ movieId, own, shown, onChanged, onConflict }) {
  async function create(body) {
    try {
      await api.createReview(movieId, body);
    } catch (err) {
      if (err.status !== 409) throw err;
      onConflict();
      return;
    }
    onChanged('Your review was posted.', { created: true });
  }

  if (own.loading && !own.review) return <Loading label="Looking for your review…" />;
  if (own.error) return <ErrorAlert error={own.error} onRetry={own.reload} />;
  if (shown) return null;
  return (
    <div className="mb-4">
      {own.review ? (
        <>
          <h3 className="h6">Your review</h3>
          <ManagedReview review={own.review} mine onChanged={onChanged} />
        </>
      ) : (
        <ReviewForm id="review-new" label="Write your review" submitLabel="Post review" onSave={create} />
      )}
    </div>
  );
}

/**
 * A movie's reviews, newest first, paged like the catalogue (the page is `?page=` in the URL).
 * Logged in, one writes one's own review here and changes or deletes it; admins may also
 * change or delete anyone's. A review posted or changed elsewhere shows as it happens (the live
 * stream), without the page being read again.
 */
export default function Reviews({ movieId }) {
  const { user } = useAuth();
  const announce = useAnnounce();
  const paging = usePageParams();
  const { page, goToPage } = paging;
  const query = { movieId, ...paging.pageQuery, per_page: PER_PAGE };
  const list = usePagedList(listReviews, query);
  const { error, loading, reload } = list;
  const own = useOwnReview(movieId, user && user.id);
  const [notice, setNotice] = useState(null);
  const [conflict, setConflict] = useState(false);

  // The reviews the live stream brought while this read of this page of the list was shown, by id: a
  // read of the list again (after one's own change, say a deletion) holds them all, and drops them.
  const key = JSON.stringify(query);
  const [live, setLive] = useState({ key, read: null, posted: new Map() });
  const posted = live.key === key && live.read === list.result ? live.posted : null;
  const result = useMemo(
    () => (list.result && posted ? { ...list.result, ...withPosted(list.result, posted, page === 1) } : list.result),
    [list.result, posted, page],
  );

  useLiveEvents({
    'review.posted': ({ id, review }) => {
      if (id !== movieId || !review || !review.author) return;
      const onPage = Boolean(result && result.reviews.some((row) => row.id === review.id));
      const read = list.result;
      setLive((state) => ({
        key,
        read,
        posted: new Map(state.key === key && state.read === read ? state.posted : []).set(review.id, review),
      }));
      if (user && review.author.id === user.id) {
        // One's own, from another tab: the form to write one becomes that review.
        if (!own.loading) own.reload();
        return;
      }
      const name = review.author.display_name;
      if (onPage) announce(`The review by ${name} was changed.`);
      else if (review.created_at === review.updated_at) announce(`New review by ${name}.`);
    },
    // The stream missed too much to tell what: read the reviews (and one's own) again.
    reset: () => {
      reload();
      if (user) own.reload();
    },
  });

  const reviews = result ? result.reviews : [];
  const emptyLaterPage = Boolean(result && reviews.length === 0 && page > 1 && !loading);
  // A later page emptied by a deletion (or an old link): show the page before instead.
  useEffect(() => {
    if (emptyLaterPage) goToPage(page - 1, { replace: true });
  }, [emptyLaterPage, page, goToPage]);

  function changed(message, { created = false } = {}) {
    setNotice(message);
    setConflict(false);
    own.reload();
    // Newest first: a new review heads page 1.
    if (created && page !== 1) goToPage(1);
    else reload();
  }

  function conflicted() {
    setNotice(null);
    setConflict(true);
    own.reload();
    reload();
  }

  return (
    <section aria-labelledby="reviews-title" className="mt-4">
      <h2 id="reviews-title" className="h4 mb-3">
        Reviews{' '}
        {result && result.total !== null && <span className="text-body-secondary fs-6">({result.total})</span>}
      </h2>
      <Notice notice={notice} onClose={() => setNotice(null)} testId="review-notice" />
      {conflict && (
        <Alert variant="warning" dismissible onClose={() => setConflict(false)}>
          {ALREADY_REVIEWED_NOTICE}
        </Alert>
      )}
      {user && (
        <MyReview
          movieId={movieId}
          own={own}
          shown={Boolean(own.review && reviews.some((review) => review.id === own.review.id))}
          onChanged={changed}
          onConflict={conflicted}
        />
      )}
      <ErrorAlert error={error} onRetry={reload} />
      <PagedResults
        result={result}
        items={reviews}
        error={error}
        loading={loading}
        loadingLabel="Loading reviews…"
        empty={<p className="mb-0">No reviews yet.{user && !own.review ? ' Be the first to write one.' : ''}</p>}
        paging={paging}
        perPage={PER_PAGE}
        label="Review pages"
        noun="reviews"
      >
        <ul className="list-unstyled d-grid gap-3 mb-0" role="list" aria-label="Reviews">
          {reviews.map((review) => {
            const mine = Boolean(user && review.author.id === user.id);
            return (
              <li key={review.id}>
                {mine || (user && user.is_admin) ? (
                  <ManagedReview review={review} mine={mine} onChanged={changed} />
                ) : (
                  <ReviewItem review={review} mine={mine} />
                )}
              </li>
            );
          })}
        </ul>
      </PagedResults>
    </section>
  );
}
