import { countOf } from '../format.js';
import StarIcon from './StarIcon.jsx';

/** A movie's average score out of 10 and how many people gave one; "No ratings yet" before anyone has. */
export default function RatingSummary({ rating, className = '' }) {
  if (!rating || !rating.count) {
    return (
      <span className={`text-body-secondary ${className}`.trim()} data-testid="rating-summary">
        No ratings yet
      </span>
    );
  }
  return (
    <span className={`d-inline-flex align-items-center gap-1 ${className}`.trim()} data-testid="rating-summary">
      <StarIcon />
      <span>
        <span className="visually-hidden">Average rating </span>
        <strong>{rating.average.toFixed(1)}</strong>
        <span className="text-body-secondary">/10 · {countOf(rating.count, 'rating')}</span>
      </span>
    </span>
  );
}
