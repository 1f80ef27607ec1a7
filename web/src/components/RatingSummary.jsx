import { countOf } from '../format.js';
import StarIcon from './StarIcon.jsx';

/**
 * A movie's average score out of 10 and how many people gave one; "No ratings yet" before anyone
 * has. `compact` (a poster card) shows the count in brackets and says the rest to screen readers only.
 */
export default function RatingSummary({ rating, compact = false, className = '' }) {
  if (!rating || !rating.count) {
    return (
      <span className={`text-body-secondary ${className}`.trim()} data-testid="rating-summary">
        No ratings yet
      </span>
    );
  }
  const ratings = countOf(rating.count, 'rating');
  return (
    <span className={`d-inline-flex align-items-center gap-1 ${className}`.trim()} data-testid="rating-summary">
      <StarIcon />
      <span>
        <span className="visually-hidden">Average rating </span>
        <strong>{rating.average.toFixed(1)}</strong>
        {compact ? (
          <>
            <span className="visually-hidden"> out of 10 from {ratings}</span>
            <span className="text-body-secondary" aria-hidden="true" title={ratings}>
              {' '}
              ({rating.count})
            </span>
          </>
        ) : (
          <span className="text-body-secondary">/10 · {ratings}</span>
        )}
      </span>
    </span>
  );
}
