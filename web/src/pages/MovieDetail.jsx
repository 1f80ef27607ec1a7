import { useCallback, useEffect, useState } from 'react';
import Alert from 'react-bootstrap/Alert';
import Button from 'react-bootstrap/Button';
import Card from 'react-bootstrap/Card';
import { Link, useNavigate, useParams } from 'react-router-dom';
import api from '../api/client.js';
import { canManage, useAuth } from '../auth/AuthProvider.jsx';
import ConfirmDeleteModal from '../components/ConfirmDeleteModal.jsx';
import ErrorAlert from '../components/ErrorAlert.jsx';
import GenreBadges from '../components/GenreBadges.jsx';
import Loading from '../components/Loading.jsx';
import MovieFormModal from '../components/MovieFormModal.jsx';
import { formatDate } from '../format.js';

/** A movie's own page at /movies/:id; its owner or an admin can edit or delete it here. */
export default function MovieDetail() {
  const { id } = useParams();
  const { user } = useAuth();
  const navigate = useNavigate();
  const [movie, setMovie] = useState(null);
  const [etag, setEtag] = useState(null);
  const [error, setError] = useState(null);
  const [loading, setLoading] = useState(true);
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(null);
  const [notice, setNotice] = useState(null);

  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      const loaded = await api.getMovie(id);
      setMovie(loaded.movie);
      setEtag(loaded.etag);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }, [id]);

  useEffect(() => {
    load();
  }, [load]);

  async function save(fields) {
    const saved = await api.updateMovie(id, fields, etag);
    setMovie(saved.movie);
    setEtag(saved.etag);
    setEditing(false);
    setNotice('Movie saved.');
  }

  async function remove() {
    await api.deleteMovie(id);
    navigate('/private', { replace: true, state: { notice: `Deleted “${movie.name}”.` } });
  }

  if (loading && !movie) return <Loading label="Loading movie…" />;

  if (error && error.status === 404) {
    return (
      <Alert variant="secondary">
        <Alert.Heading as="h1" className="h5">Movie not found</Alert.Heading>
        <p>It may have been deleted.</p>
        <Link to="/">Back to the catalogue</Link>
      </Alert>
    );
  }
  if (!movie) return <ErrorAlert error={error} onRetry={load} />;

  const mine = user && movie.added_by === user.id;
  return (
    <>
      <nav aria-label="breadcrumb" className="mb-3">
        <Link to="/">← Catalogue</Link>
      </nav>
      {notice && (
        <Alert variant="success" dismissible onClose={() => setNotice(null)}>
          {notice}
        </Alert>
      )}
      <ErrorAlert error={error} onRetry={load} />
      <Card className="shadow-sm">
        <Card.Body>
          <div className="d-flex flex-wrap justify-content-between align-items-start gap-2 mb-3">
            <h1 className="h3 mb-0">{movie.name}</h1>
            {canManage(user, movie) && (
              <div className="d-flex gap-2">
                <Button variant="outline-primary" size="sm" onClick={() => setEditing(true)}>
                  Edit
                </Button>
                <Button variant="outline-danger" size="sm" onClick={() => setDeleting(movie)}>
                  Delete
                </Button>
              </div>
            )}
          </div>
          <dl className="row mb-0">
            <dt className="col-sm-3">Cast</dt>
            <dd className="col-sm-9">
              <ul className="list-unstyled mb-0">
                {movie.casts.map((name, index) => (
                  <li key={`${index}-${name}`}>{name}</li>
                ))}
              </ul>
            </dd>
            <dt className="col-sm-3">Genres</dt>
            <dd className="col-sm-9">
              <GenreBadges genres={movie.genres} />
            </dd>
            <dt className="col-sm-3">Added</dt>
            <dd className="col-sm-9">
              {formatDate(movie.created_at)}
              {mine && <span className="text-body-secondary"> by you</span>}
            </dd>
            {movie.updated_at && movie.updated_at !== movie.created_at && (
              <>
                <dt className="col-sm-3">Updated</dt>
                <dd className="col-sm-9">{formatDate(movie.updated_at)}</dd>
              </>
            )}
          </dl>
        </Card.Body>
      </Card>

      <MovieFormModal
        show={editing}
        title="Edit movie"
        movie={movie}
        onSave={save}
        onHide={() => setEditing(false)}
        onReload={load}
      />
      <ConfirmDeleteModal movie={deleting} onConfirm={remove} onHide={() => setDeleting(null)} />
    </>
  );
}
