import { useCallback, useEffect, useState } from 'react';

/**
 * Loads one page through `load(query)` (an api list method) and reloads when
 * the query changes. Returns {result, error, loading, reload}; `result` keeps
 * the last good page while the next one loads so the list doesn't jump.
 * `load` must be stable (defined at module level).
 */
export default function usePagedList(load, query, { enabled = true } = {}) {
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const [loading, setLoading] = useState(enabled);
  const [attempt, setAttempt] = useState(0);
  const key = JSON.stringify(query);

  useEffect(() => {
    if (!enabled) return undefined;
    // Ignore answers to a query the person has already moved away from.
    let live = true;
    setLoading(true);
    setError(null);
    load(JSON.parse(key)).then(
      (page) => {
        if (!live) return;
        setResult(page);
        setLoading(false);
      },
      (err) => {
        if (!live) return;
        setError(err);
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [load, key, enabled, attempt]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { result, error, loading, reload };
}
