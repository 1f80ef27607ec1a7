import { useCallback, useEffect, useState } from 'react';
import Alert from 'react-bootstrap/Alert';
import Button from 'react-bootstrap/Button';
import Card from 'react-bootstrap/Card';
import Col from 'react-bootstrap/Col';
import Row from 'react-bootstrap/Row';
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom';
import api from '../api/client.js';
import { canManage, useAuth } from '../auth/AuthProvider.jsx';
import ConfirmDeleteModal from '../components/ConfirmDeleteModal.jsx';
import ErrorAlert from '../components/ErrorAlert.jsx';
import FilterLink from '../components/FilterLink.jsx';
import GenreBadges from '../components/GenreBadges.jsx';
import Loading from '../components/Loading.jsx';
import MovieFormModal from '../components/MovieFormModal.jsx';
import MyRating from '../components/MyRating.jsx';
import Poster from '../components/Poster.jsx';
import RatingSummary from '../components/RatingSummary.jsx';
import Reviews from '../components/Reviews.jsx';
import WatchlistButton from '../components/WatchlistButton.jsx';
import { formatDate, formatRuntime, separatorBefore } from '../format.js';

/** ["A", "B", "C"] as links to the catalogue filtered by each: "A, B and C". */
function NameLinks({ filter, names }) {
  return names.map((name, index) => (
    <span key={`${index}-${name}`}>
      {separatorBefore(index, names.length)}
      <FilterLink filter={filter} value={name} />
    </span>
  ));
}

/** Year, runtime and directors (each a link to their films) on one line, each left out when unknown. */
function Facts({ movie }) {
  const facts = [
    movie.year && <span key="year">{movie.year}</span>,
    movie.runtime_minutes && <span key="runtime">{formatRuntime(movie.runtime_minutes)}</span>,
    movie.directors.length > 0 && (
      <span key="directors">
        Directed by <NameLinks filter="director" names={movie.directors} />
      </span>
    ),
  ].filter(Boolean);
  if (!facts.length) return null;
  return (
    <p className="text-body-secondary mb-2 d-flex flex-wrap column-gap-3" data-testid="movie-facts">
      {facts}
    </p>
  );
}

/**
 * A movie's own page at /movies/:id: its details, one's rating and watchlist toggle, its reviews;
 * its owner or an admin can edit or delete it here.
 */
export default function MovieDetail() {
  const { id } = useParams();
  const { user, status } = useAuth();
  // Who is asking is known once the session check is over: the movie is read then, once.
  const checking = status === 'checking';
  const navigate = useNavigate();
  const location = useLocation();
  const [movie, setMovie] = useState(null);
  const [etag, setEtag] = useState(null);
  const [error, setError] = useState(null);
  const [loading, setLoading] = useState(true);
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(null);
  const [notice, setNotice] = useState(null);

  const load = useCallback(async () => {
    if (checking) return;
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
    // Logging in or out changes the answer: one's own state of the movie comes with it.
  }, [id, checking, user?.id]);

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

  function posterChanged(changed) {
    setMovie(changed.movie);
    setEtag(changed.etag);
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
          <Row className="g-4">
            <Col xs={12} sm={4} lg={3}>
              <Poster movie={movie} full lazy={false} className="detail-poster mx-auto" />
            </Col>
            <Col xs={12} sm={8} lg={9}>
              <div className="d-flex flex-wrap justify-content-between align-items-start gap-2 mb-2">
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
              <Facts movie={movie} />
              <p className="mb-3">
                <RatingSummary rating={movie.rating} />
              </p>
              {movie.overview && <p className="review-body">{movie.overview}</p>}
              <dl className="row mb-0">
                <dt className="col-md-3">Cast</dt>
                <dd className="col-md-9">
                  <ul className="list-unstyled mb-0">
                    {movie.casts.map((name, index) => (
                      <li key={`${index}-${name}`}>
                        <FilterLink filter="cast" value={name} />
                      </li>
                    ))}
                  </ul>
                </dd>
                <dt className="col-md-3">Genres</dt>
                <dd className="col-md-9">
                  <GenreBadges genres={movie.genres} linked />
                </dd>
                <dt className="col-md-3">Added</dt>
                <dd className="col-md-9">
                  {formatDate(movie.created_at)}
                  {mine && <span className="text-body-secondary"> by you</span>}
                </dd>
                {movie.updated_at && movie.updated_at !== movie.created_at && (
                  <>
                    <dt className="col-md-3">Updated</dt>
                    <dd className="col-md-9">{formatDate(movie.updated_at)}</dd>
                  </>
                )}
              </dl>
              <div className="border-top mt-3 pt-3">
                {user ? (
                  <div className="d-flex flex-wrap align-items-start justify-content-between gap-3">
                    <MyRating movieId={movie.id} initial={movie.viewer ? movie.viewer.score : null} onChange={load} />
                    <WatchlistButton movie={movie} />
                  </div>
                ) : (
                  <p className="mb-0">
                    <Link to="/login" state={{ from: location }}>
                      Log in
                    </Link>{' '}
                    to rate this movie, review it or put it on your watchlist.
                  </p>
                )}
              </div>
            </Col>
          </Row>
        </Card.Body>
      </Card>

      <Reviews movieId={movie.id} />

      <MovieFormModal
        show={editing}
        title="Edit movie"
        movie={movie}
        onSave={save}
        onHide={() => setEditing(false)}
        onReload={load}
        onPosterChange={posterChanged}
      />
      <ConfirmDeleteModal movie={deleting} onConfirm={remove} onHide={() => setDeleting(null)} />
    </>
  );
}
