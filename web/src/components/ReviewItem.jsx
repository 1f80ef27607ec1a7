import Badge from 'react-bootstrap/Badge';
import { formatDate } from '../format.js';
import StarIcon from './StarIcon.jsx';

/**
 * The score the review's author gave the movie (1 to 10), when the API's review carries one
 * (`author_score`, or `score`); null otherwise, and then nothing is shown.
 */
export function authorScore(review) {
  const score = review.author_score ?? review.score;
  return Number.isInteger(score) && score >= 1 && score <= 10 ? score : null;
}

/**
 * One review: who wrote it (their display name, never an email), their score of the movie when
 * the API gives it, when, and its text, or in its place `children` (the form that rewrites it);
 * `actions` (buttons) sit beside the author.
 */
export default function ReviewItem({ review, mine = false, actions, children }) {
  const edited = review.updated_at && review.updated_at !== review.created_at;
  const score = authorScore(review);
  return (
    <article className="border rounded bg-body p-3" data-testid="review">
      <header className="d-flex flex-wrap align-items-center justify-content-between gap-2 mb-2">
        <div>
          <strong data-testid="review-author">{review.author.display_name}</strong>
          {mine && (
            <Badge bg="secondary-subtle" text="secondary-emphasis" className="ms-2 fw-normal">
              you
            </Badge>
          )}
          {score !== null && (
            <span className="d-inline-flex align-items-center gap-1 ms-2 small" data-testid="review-score">
              <StarIcon size={14} />
              <span>
                <span className="visually-hidden">rated it </span>
                <strong>{score}</strong>
                <span className="text-body-secondary">/10</span>
              </span>
            </span>
          )}
          <span className="text-body-secondary small ms-2">
            {formatDate(review.created_at)}
            {edited && ' · edited'}
          </span>
        </div>
        {actions}
      </header>
      {children || <p className="review-body mb-0">{review.body}</p>}
    </article>
  );
}
