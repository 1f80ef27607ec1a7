import { useEffect, useRef, useState } from 'react';
import api from '../api/client.js';
import ErrorAlert from './ErrorAlert.jsx';
import Loading from './Loading.jsx';
import StarRating from './StarRating.jsx';

/**
 * The logged-in person's own score of a movie, saved as soon as it is picked. Scores picked in
 * quick succession (arrow keys) go to the API one after the other, so the last one wins;
 * `onChange()` follows each save, for the movie's average to be read again.
 */
export default function MyRating({ movieId, onChange }) {
  const [score, setScore] = useState(undefined);
  const [error, setError] = useState(null);
  const [status, setStatus] = useState('');
  const queue = useRef(Promise.resolve());

  useEffect(() => {
    let live = true;
    setScore(undefined);
    api.getMyRating(movieId).then(
      (found) => live && setScore(found),
      (err) => {
        if (!live) return;
        setError(err);
        setScore(null);
      },
    );
    return () => {
      live = false;
    };
  }, [movieId]);

  function save(next, call, done) {
    setScore(next);
    setError(null);
    setStatus('Saving…');
    queue.current = queue.current.then(call).then(
      () => {
        setStatus(done);
        onChange();
      },
      async (err) => {
        setError(err);
        setStatus('');
        // Show what the API kept rather than what was asked.
        setScore(await api.getMyRating(movieId).catch(() => null));
      },
    );
  }

  if (score === undefined) return <Loading label="Loading your rating…" />;
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
