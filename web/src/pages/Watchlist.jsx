import { useState } from 'react';
import Button from 'react-bootstrap/Button';
import { Link } from 'react-router-dom';
import api from '../api/client.js';
import ErrorAlert from '../components/ErrorAlert.jsx';
import MovieGrid from '../components/MovieGrid.jsx';
import Notice from '../components/Notice.jsx';
import PagedResults from '../components/PagedResults.jsx';
import usePageParams from '../hooks/usePageParams.js';
import usePagedList from '../hooks/usePagedList.js';

export const PER_PAGE = 12;

const listWatchlist = (query) => api.listWatchlist(query);

/** /watchlist: the movies the logged-in person means to watch, most recently added first, each removable. */
export default function Watchlist() {
  const paging = usePageParams();
  const { page } = paging;
  const { result, error, loading, reload } = usePagedList(listWatchlist, { ...paging.pageQuery, per_page: PER_PAGE });
  const [notice, setNotice] = useState(null);
  const [actionError, setActionError] = useState(null);
  const [removing, setRemoving] = useState(null);

  async function remove(movie) {
    if (removing) return;
    setRemoving(movie.id);
    setActionError(null);
    setNotice(null);
    try {
      await api.removeFromWatchlist(movie.id);
      setNotice(`Removed “${movie.name}” from your watchlist.`);
      // The last movie of a later page is gone: show the page before instead of an empty one.
      if (result.movies.length === 1 && page > 1) paging.goToPage(page - 1);
      else reload();
    } catch (err) {
      setActionError(err);
    } finally {
      setRemoving(null);
    }
  }

  const movies = result ? result.movies : [];

  return (
    <>
      <h1 className="h3 mb-3">My watchlist</h1>

      <Notice notice={notice} onClose={() => setNotice(null)} />
      <ErrorAlert error={error} onRetry={reload} />
      <ErrorAlert error={actionError} />

      <PagedResults
        result={result}
        items={movies}
        error={error}
        loading={loading}
        loadingLabel="Loading your watchlist…"
        empty={
          <p className="mb-0">
            Your watchlist is empty. Find something in the <Link to="/">catalogue</Link> and press Watchlist on
            its page to keep it here.
          </p>
        }
        paging={paging}
        perPage={PER_PAGE}
        label="Watchlist pages"
      >
        <MovieGrid
          movies={movies}
          label="Watchlist"
          actions={(movie) => (
            <Button
              variant="outline-danger"
              size="sm"
              onClick={() => remove(movie)}
              aria-label={`Remove ${movie.name} from your watchlist`}
            >
              Remove
            </Button>
          )}
        />
      </PagedResults>
    </>
  );
}
