import { useEffect, useRef, useState } from 'react';
import api from '../api/client.js';
import ErrorAlert from './ErrorAlert.jsx';
import StarRating from './StarRating.jsx';

/**
 * The logged-in person's own score of a movie (`initial`: the score the movie's `viewer` carries, or
 * null), saved as soon as it is picked. Scores picked in quick succession (arrow keys) go to the API
 * one after the other, so the last one wins; `onChange()` follows each save (and each refused one),
 * for the movie, its average and one's score as kept, to be read again.
 */
export default function MyRating({ movieId, initial, onChange }) {
  const [score, setScore] = useState(initial ?? null);
  const [error, setError] = useState(null);
  const [status, setStatus] = useState('');
  const queue = useRef(Promise.resolve());

  // The movie read again carries the score the API kept.
  useEffect(() => {
    setScore(initial ?? null);
  }, [movieId, initial]);

  function save(next, call, done) {
    setScore(next);
    setError(null);
    setStatus('Saving…');
    queue.current = queue.current.then(call).then(
      () => {
        setStatus(done);
        onChange();
      },
      (err) => {
        setError(err);
        setStatus('');
        // Show what the API kept rather than what was asked: the movie read again carries it.
        setScore(initial ?? null);
        onChange();
      },
    );
  }

  return (
    <>
      <StarRating
        legend="Your rating"
        value={score}
        status={status}
        onRate={(next) => save(next, () => api.rateMovie(movieId, next), `Saved your rating: ${next} out of 10.`)}
        onClear={() => save(null, () => api.clearRating(movieId), 'Your rating was cleared.')}
      />
      <ErrorAlert error={error} className="mt-2 mb-0" />
    </>
  );
}
