import { Fragment, useId, useRef, useState } from 'react';
import Button from 'react-bootstrap/Button';
import StarIcon from './StarIcon.jsx';

const SCORES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

/**
 * A score from 1 to 10 as a labelled radio group: a <fieldset> whose <legend> is `legend`, ten
 * radios (visually hidden, each shown by its label's star) that the arrow keys move through as
 * any radio group, a preview of the stars under the mouse, and a button to clear the score.
 * `value` is the score or null; `onRate(score)` and `onClear()` report the person's choice.
 */
export default function StarRating({ legend, value, onRate, onClear, status }) {
  const name = useId();
  const [hovered, setHovered] = useState(null);
  const first = useRef(null);
  const shown = hovered ?? value ?? 0;

  function clear() {
    onClear();
    // The button is disabled now that there is no score: keep the keyboard in the stars.
    first.current.focus();
  }

  return (
    <fieldset className="mb-0">
      <legend className="h6 mb-1">{legend}</legend>
      <div className="d-flex flex-wrap align-items-center gap-2">
        <div className="star-rating-stars" onMouseLeave={() => setHovered(null)}>
          {SCORES.map((score) => (
            <Fragment key={score}>
              <input
                type="radio"
                className="visually-hidden"
                id={`${name}-${score}`}
                ref={score === 1 ? first : undefined}
                name={name}
                value={score}
                checked={value === score}
                onChange={() => onRate(score)}
              />
              <label htmlFor={`${name}-${score}`} onMouseEnter={() => setHovered(score)}>
                <StarIcon filled={score <= shown} size={24} />
                <span className="visually-hidden">{score === 1 ? '1 star' : `${score} stars`}</span>
              </label>
            </Fragment>
          ))}
        </div>
        <span className="fw-semibold" aria-hidden="true" data-testid="my-score">
          {value ? `${value}/10` : 'Not rated'}
        </span>
        <Button variant="link" size="sm" className="p-0" onClick={clear} disabled={!value}>
          Clear my rating
        </Button>
      </div>
      <p role="status" className="small text-body-secondary mb-0 mt-1" data-testid="rating-status">
        {status}
      </p>
    </fieldset>
  );
}
