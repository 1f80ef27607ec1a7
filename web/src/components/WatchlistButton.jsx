import { useEffect, useState } from 'react';
import Button from 'react-bootstrap/Button';
import Spinner from 'react-bootstrap/Spinner';
import api from '../api/client.js';
import ErrorAlert from './ErrorAlert.jsx';

/**
 * The logged-in person's watchlist switch for a movie: a toggle button whose name stays
 * "Watchlist" while aria-pressed (and its look) tells whether the movie is on the list.
 */
export default function WatchlistButton({ movie }) {
  const [listed, setListed] = useState(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [status, setStatus] = useState('');

  useEffect(() => {
    let live = true;
    setListed(null);
    api.isOnWatchlist(movie.id).then(
      (found) => live && setListed(found),
      (err) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, [movie.id]);

  async function toggle() {
    // Not disabled while saving: that would throw the keyboard focus out of the button.
    if (busy) return;
    const next = !listed;
    setBusy(true);
    setError(null);
    try {
      if (next) await api.addToWatchlist(movie.id);
      else await api.removeFromWatchlist(movie.id);
      setListed(next);
      setStatus(next ? `Added “${movie.name}” to your watchlist.` : `Removed “${movie.name}” from your watchlist.`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div>
      <Button
        variant={listed ? 'primary' : 'outline-primary'}
        size="sm"
        aria-pressed={listed === null ? undefined : listed}
        disabled={listed === null && !error}
        onClick={toggle}
        data-testid="watchlist-toggle"
      >
        {(busy || (listed === null && !error)) && (
          <Spinner animation="border" size="sm" className="me-1" aria-hidden="true" />
        )}
        <span aria-hidden="true">{listed ? '✓ ' : '+ '}</span>
        Watchlist
      </Button>
      <span role="status" className="visually-hidden">
        {status}
      </span>
      <ErrorAlert error={error} className="mt-2 mb-0" />
    </div>
  );
}
