import Badge from 'react-bootstrap/Badge';
import { formatDate } from '../format.js';

/**
 * One review: who wrote it (their display name, never an email), when, and its text, or in
 * its place `children` (the form that rewrites it); `actions` (buttons) sit beside the author.
 */
export default function ReviewItem({ review, mine = false, actions, children }) {
  const edited = review.updated_at && review.updated_at !== review.created_at;
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
