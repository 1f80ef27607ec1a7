import { useEffect, useState } from 'react';
import Button from 'react-bootstrap/Button';
import Spinner from 'react-bootstrap/Spinner';
import api from '../api/client.js';
import ErrorAlert from './ErrorAlert.jsx';

/**
 * The logged-in person's watchlist switch for a movie: a toggle button whose name stays
 * "Watchlist" while aria-pressed (and its look) tells whether the movie is on the list.
 * Whether it is comes with the movie itself (`movie.viewer.on_watchlist`): no request of its own.
 */
export default function WatchlistButton({ movie }) {
  const known = movie.viewer ? movie.viewer.on_watchlist : false;
  const [listed, setListed] = useState(known);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [status, setStatus] = useState('');

  useEffect(() => {
    setListed(known);
  }, [movie.id, known]);

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
        aria-pressed={listed}
        onClick={toggle}
        data-testid="watchlist-toggle"
      >
        {busy && (
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
