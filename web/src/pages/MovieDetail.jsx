import { useCallback, useEffect, useRef, useState } from 'react';
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
import { useAnnounce } from '../components/LiveAnnouncer.jsx';
import Loading from '../components/Loading.jsx';
import MovieFormModal from '../components/MovieFormModal.jsx';
import MyRating from '../components/MyRating.jsx';
import Poster from '../components/Poster.jsx';
import RatingSummary from '../components/RatingSummary.jsx';
import Reviews from '../components/Reviews.jsx';
import WatchlistButton from '../components/WatchlistButton.jsx';
import { countOf, formatDate, formatRuntime, separatorBefore } from '../format.js';
import useLiveEvents from '../hooks/useLiveEvents.js';

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

/** The movie as the live stream has it, with the reader's own state (`viewer`) from the page's own request. */
function withViewerOf(page, live) {
  const { viewer, ...movie } = live;
  return page.viewer === undefined ? movie : { ...movie, viewer: page.viewer };
}

/** A movie's new average, as a sentence to hear. */
function ratingNews(rating) {
  if (!rating || !rating.count) return 'Rating updated: no ratings now.';
  return `Rating updated: ${rating.average.toFixed(1)} out of 10 from ${countOf(rating.count, 'rating')}.`;
}

/** Said in place of the page's actions once the live stream has told that the movie was deleted. */
function DeletedNotice({ name }) {
  return (
    <div className="alert alert-warning" data-testid="movie-deleted">
      <h2 className="alert-heading h5">This movie has been deleted</h2>
      <p>
        Someone removed “{name}” from the catalogue while you were reading about it: what you see is its
        last version, and it can no longer be rated, reviewed or changed.
      </p>
      <Link to="/">Back to the catalogue</Link>
    </div>
  );
}

/**
 * A movie's own page at /movies/:id: its details, one's rating and watchlist toggle, its reviews;
 * its owner or an admin can edit or delete it here. Changes made elsewhere show as they happen
 * (the live stream): new fields and average in place, and a notice when the movie is deleted.
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
  // Told by the live stream: the movie is gone (its id), and, while the dialog is open, a change
  // held back (the dialog would start its form again under the person typing).
  const [deletedId, setDeletedId] = useState(null);
  const held = useRef(null);
  // The stream carries no ETag: after a change made elsewhere the one kept is stale, and the
  // movie is read again before it is edited.
  const etagStale = useRef(false);
  const removing = useRef(false);
  const announce = useAnnounce();
  const deleted = deletedId === id;

  const load = useCallback(async () => {
    if (checking) return false;
    setLoading(true);
    setError(null);
    try {
      const loaded = await api.getMovie(id);
      setMovie(loaded.movie);
      setEtag(loaded.etag);
      etagStale.current = false;
      held.current = null;
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setLoading(false);
    }
    // Logging in or out changes the answer: one's own state of the movie comes with it.
  }, [id, checking, user?.id]);

  useEffect(() => {
    load();
  }, [load]);

  useLiveEvents({
    'movie.changed': (event) => {
      if (event.id !== id || !movie || !event.movie || deleted) return;
      // The echo of one's own save (or poster) carries what the page has already.
      if (event.movie.updated_at === movie.updated_at) return;
      etagStale.current = true;
      if (editing) {
        held.current = event.movie;
        return;
      }
      setMovie((page) => withViewerOf(page, event.movie));
      announce(event.movie.name === movie.name ? 'This movie was updated.' : `This movie was renamed “${event.movie.name}”.`);
    },
    'movie.rated': (event) => {
      if (event.id !== id || !movie || !event.movie || deleted) return;
      // Only the average changed: the fields being edited stay as they are.
      setMovie((page) => ({ ...page, rating: event.movie.rating }));
      if (held.current) held.current = { ...held.current, rating: event.movie.rating };
      announce(ratingNews(event.movie.rating));
    },
    'movie.deleted': (event) => {
      if (event.id !== id || !movie || removing.current) return;
      setDeletedId(id);
      setEditing(false);
      setDeleting(null);
      announce(`This movie has been deleted: “${movie.name}” is no longer in the catalogue.`);
    },
    // The stream missed too much to tell what: read the movie again, unless that would start the
    // edit dialog's form again (its save is then checked against the ETag, as ever).
    reset: () => {
      if (!movie || deleted) return;
      if (editing) etagStale.current = true;
      else load();
    },
  });

  /** Opens the edit dialog on the movie as stored now (read again when it changed elsewhere). */
  async function edit() {
    if (etagStale.current && !(await load())) return;
    setEditing(true);
  }

  /** Closes the edit dialog; a change made elsewhere meanwhile shows now. */
  function stopEditing() {
    setEditing(false);
    const change = held.current;
    held.current = null;
    // Unless a poster uploaded from the dialog made the page newer still.
    if (change && !(Date.parse(change.updated_at) < Date.parse(movie.updated_at))) {
      setMovie((page) => withViewerOf(page, change));
    }
  }

  async function save(fields) {
    const saved = await api.updateMovie(id, fields, etag);
    setMovie(saved.movie);
    setEtag(saved.etag);
    etagStale.current = false;
    held.current = null;
    setEditing(false);
    setNotice('Movie saved.');
  }

  function posterChanged(changed) {
    setMovie(changed.movie);
    setEtag(changed.etag);
  }

  async function remove() {
    removing.current = true;
    try {
      await api.deleteMovie(id);
    } finally {
      removing.current = false;
    }
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
      {deleted && <DeletedNotice name={movie.name} />}
      <Card className="shadow-sm">
        <Card.Body>
          <Row className="g-4">
            <Col xs={12} sm={4} lg={3}>
              <Poster movie={movie} full lazy={false} className="detail-poster mx-auto" />
            </Col>
            <Col xs={12} sm={8} lg={9}>
              <div className="d-flex flex-wrap justify-content-between align-items-start gap-2 mb-2">
                <h1 className="h3 mb-0">{movie.name}</h1>
                {canManage(user, movie) && !deleted && (
                  <div className="d-flex gap-2">
                    <Button variant="outline-primary" size="sm" onClick={edit}>
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
              {!deleted && (
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
              )}
            </Col>
          </Row>
        </Card.Body>
      </Card>

      {!deleted && <Reviews movieId={movie.id} />}

      <MovieFormModal
        show={editing}
        title="Edit movie"
        movie={movie}
        onSave={save}
        onHide={stopEditing}
        onReload={load}
        onPosterChange={posterChanged}
      />
      <ConfirmDeleteModal movie={deleting} onConfirm={remove} onHide={() => setDeleting(null)} />
    </>
  );
}
