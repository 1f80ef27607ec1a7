import { useCallback, useEffect, useState } from 'react';
import api from '../api/client.js';

/**
 * The logged-in person's review of a movie, if any, asked of the API by author
 * (`?author=<user id>`). Returns {review, loading, error, reload}; `review` is null for a
 * visitor, for someone who has not written one, and until the first answer; a reload keeps
 * the last answer while it runs.
 */
export default function useOwnReview(movieId, userId) {
  const [state, setState] = useState({ review: null, loading: Boolean(userId), error: null });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!userId) {
      setState({ review: null, loading: false, error: null });
      return undefined;
    }
    let live = true;
    setState((current) => ({ ...current, loading: true, error: null }));
    api.findReview(movieId, userId).then(
      (review) => live && setState({ review, loading: false, error: null }),
      (error) => live && setState({ review: null, loading: false, error }),
    );
    return () => {
      live = false;
    };
  }, [movieId, userId, attempt]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { ...state, reload };
}
