import { useState } from 'react';
import Button from 'react-bootstrap/Button';
import Spinner from 'react-bootstrap/Spinner';
import { Link, useLocation } from 'react-router-dom';
import api from '../api/client.js';
import { useAuth } from '../auth/AuthProvider.jsx';
import ActionsTable, { DeleteRowButton } from '../components/ActionsTable.jsx';
import ConfirmDeleteModal from '../components/ConfirmDeleteModal.jsx';
import ErrorAlert from '../components/ErrorAlert.jsx';
import GenreBadges from '../components/GenreBadges.jsx';
import MovieFormModal from '../components/MovieFormModal.jsx';
import Notice from '../components/Notice.jsx';
import PagedResults from '../components/PagedResults.jsx';
import Poster from '../components/Poster.jsx';
import { formatDate } from '../format.js';
import useMovieList from '../hooks/useMovieList.js';
import usePageParams from '../hooks/usePageParams.js';

const PER_PAGE = 20;

/** /private: the logged-in person's own movies, with add, edit and delete. */
export default function Private() {
  const { user } = useAuth();
  const location = useLocation();
  const paging = usePageParams();
  const { page } = paging;
  const { result, error, loading, reload } = useMovieList({
    added_by: user.id,
    sort: '-created_at',
    ...paging.pageQuery,
    per_page: PER_PAGE,
  });

  const [notice, setNotice] = useState(() => location.state && location.state.notice);
  const [adding, setAdding] = useState(false);
  // {movie, etag} of the copy loaded for editing: the ETag goes back as If-Match.
  const [editing, setEditing] = useState(null);
  const [opening, setOpening] = useState(null);
  const [actionError, setActionError] = useState(null);
  const [deleting, setDeleting] = useState(null);

  async function openEditor(movieId) {
    setOpening(movieId);
    setActionError(null);
    try {
      setEditing(await api.getMovie(movieId));
    } catch (err) {
      setActionError(err);
      if (err.status === 404) reload();
    } finally {
      setOpening(null);
    }
  }

  async function create(fields) {
    const movie = await api.createMovie(fields);
    setAdding(false);
    setNotice(`Added “${movie.name}”.`);
    if (page === 1) reload();
    else paging.goToPage(1);
  }

  async function update(fields) {
    const saved = await api.updateMovie(editing.movie.id, fields, editing.etag);
    setEditing(null);
    setNotice(`Saved “${saved.movie.name}”.`);
    reload();
  }

  async function remove(movie) {
    await api.deleteMovie(movie.id);
    setDeleting(null);
    setNotice(`Deleted “${movie.name}”.`);
    reload();
  }

  const movies = result ? result.movies : [];

  return (
    <>
      <div className="d-flex flex-wrap align-items-center justify-content-between gap-2 mb-3">
        <h1 className="h3 mb-0">My movies</h1>
        <Button onClick={() => setAdding(true)}>+ Add movie</Button>
      </div>

      <Notice notice={notice} onClose={() => setNotice(null)} />
      <ErrorAlert error={error} onRetry={reload} />
      <ErrorAlert error={actionError} />

      <PagedResults
        result={result}
        items={movies}
        error={error}
        loading={loading}
        loadingLabel="Loading your movies…"
        empty={
          <>
            <p className="mb-2">You haven&apos;t added any movies yet.</p>
            <Button variant="outline-primary" size="sm" onClick={() => setAdding(true)}>
              Add your first movie
            </Button>
          </>
        }
        paging={paging}
        perPage={PER_PAGE}
        label="My movie pages"
      >
        <ActionsTable
          columns={
            <>
              <th scope="col">Name</th>
              <th scope="col" className="d-none d-md-table-cell">Cast</th>
              <th scope="col" className="d-none d-sm-table-cell">Genres</th>
              <th scope="col" className="d-none d-lg-table-cell">Added</th>
            </>
          }
        >
          {movies.map((movie) => (
            <tr key={movie.id} data-testid="my-movie-row">
              <td>
                <div className="d-flex align-items-center gap-2">
                  <Poster movie={movie} decorative className="table-poster flex-shrink-0" />
                  <div className="min-width-0">
                    <Link to={`/movies/${movie.id}`}>{movie.name}</Link>
                    {movie.year && <div className="small text-body-secondary">{movie.year}</div>}
                  </div>
                </div>
              </td>
              <td className="d-none d-md-table-cell small text-body-secondary">{movie.casts.join(', ')}</td>
              <td className="d-none d-sm-table-cell">
                <GenreBadges genres={movie.genres} />
              </td>
              <td className="d-none d-lg-table-cell small text-nowrap">{formatDate(movie.created_at)}</td>
              <td className="text-end text-nowrap">
                <Button
                  variant="outline-primary"
                  size="sm"
                  className="me-2"
                  onClick={() => openEditor(movie.id)}
                  disabled={opening === movie.id}
                  aria-label={`Edit ${movie.name}`}
                >
                  {opening === movie.id ? <Spinner animation="border" size="sm" aria-hidden="true" /> : 'Edit'}
                </Button>
                <DeleteRowButton name={movie.name} onClick={() => setDeleting(movie)} />
              </td>
            </tr>
          ))}
        </ActionsTable>
      </PagedResults>

      <MovieFormModal
        show={adding}
        title="Add a movie"
        onSave={create}
        onHide={() => setAdding(false)}
      />
      <MovieFormModal
        show={Boolean(editing)}
        title="Edit movie"
        movie={editing && editing.movie}
        onSave={update}
        onHide={() => setEditing(null)}
        onReload={() => editing && openEditor(editing.movie.id)}
        onPosterChange={setEditing}
      />
      <ConfirmDeleteModal movie={deleting} onConfirm={remove} onHide={() => setDeleting(null)} />
    </>
  );
}
