import { useEffect, useState } from 'react';
import Button from 'react-bootstrap/Button';
import Card from 'react-bootstrap/Card';
import Col from 'react-bootstrap/Col';
import Form from 'react-bootstrap/Form';
import Row from 'react-bootstrap/Row';
import { Link, useLocation, useSearchParams } from 'react-router-dom';
import ErrorAlert from '../components/ErrorAlert.jsx';
import GenreBadges from '../components/GenreBadges.jsx';
import Notice from '../components/Notice.jsx';
import PagedResults from '../components/PagedResults.jsx';
import useMovieList from '../hooks/useMovieList.js';

export const PER_PAGE = 12;

export const SORTS = [
  { value: '-created_at', label: 'Newest first' },
  { value: 'created_at', label: 'Oldest first' },
  { value: 'name', label: 'Name (A–Z)' },
  { value: '-name', label: 'Name (Z–A)' },
];

const COMMON_GENRES = [
  'Action', 'Adventure', 'Animation', 'Comedy', 'Crime', 'Documentary', 'Drama', 'Family',
  'Fantasy', 'History', 'Horror', 'Music', 'Mystery', 'Romance', 'Science Fiction', 'Thriller',
  'War', 'Western',
];

function positivePage(value) {
  const page = Number(value);
  return Number.isInteger(page) && page > 0 ? page : 1;
}

/** The public catalogue at `/`: search, genre filter, sort and pages, all kept in the URL. */
export default function Catalogue() {
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const q = params.get('q') || '';
  const genre = params.get('genre') || '';
  const sort = params.get('sort') || '-created_at';
  const page = positivePage(params.get('page'));

  // A notice handed over by the page before (for one: "Your account ... was deleted.").
  const [notice, setNotice] = useState(() => location.state && location.state.notice);
  const [draft, setDraft] = useState({ q, genre });
  // Follow the URL when it changes under us (back button, nav link).
  useEffect(() => setDraft({ q, genre }), [q, genre]);

  const { result, error, loading, reload } = useMovieList({ q, genre, sort, page, per_page: PER_PAGE });

  function apply(changes) {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    // A new filter starts again from page 1.
    next.delete('page');
    setParams(next);
  }

  function toPage(n) {
    const next = new URLSearchParams(params);
    if (n > 1) next.set('page', String(n));
    else next.delete('page');
    return { pathname: location.pathname, search: `?${next}` };
  }

  const filtered = Boolean(q || genre);
  const movies = result ? result.movies : [];
  const genreOptions = [...new Set([...COMMON_GENRES, ...movies.flatMap((m) => m.genres)])].sort();

  return (
    <>
      <div className="d-flex flex-wrap align-items-baseline justify-content-between gap-2 mb-3">
        <h1 className="h3 mb-0">Movie catalogue</h1>
      </div>

      <Notice notice={notice} onClose={() => setNotice(null)} />

      <Form
        role="search"
        className="mb-4"
        onSubmit={(event) => {
          event.preventDefault();
          apply({ q: draft.q.trim(), genre: draft.genre.trim() });
        }}
      >
        <Row className="g-2 align-items-end">
          <Col xs={12} md={5}>
            <Form.Group controlId="search-q">
              <Form.Label>Search</Form.Label>
              <Form.Control
                type="search"
                placeholder="Movie name…"
                value={draft.q}
                onChange={(event) => setDraft({ ...draft, q: event.target.value })}
              />
            </Form.Group>
          </Col>
          <Col xs={6} md={3}>
            <Form.Group controlId="search-genre">
              <Form.Label>Genre</Form.Label>
              <Form.Control
                list="genre-options"
                placeholder="Any genre"
                value={draft.genre}
                onChange={(event) => setDraft({ ...draft, genre: event.target.value })}
              />
              <datalist id="genre-options">
                {genreOptions.map((name) => (
                  <option key={name} value={name} />
                ))}
              </datalist>
            </Form.Group>
          </Col>
          <Col xs={6} md={2}>
            <Form.Group controlId="search-sort">
              <Form.Label>Sort by</Form.Label>
              <Form.Select value={sort} onChange={(event) => apply({ sort: event.target.value })}>
                {SORTS.map((option) => (
                  <option key={option.value} value={option.value}>
                    {option.label}
                  </option>
                ))}
              </Form.Select>
            </Form.Group>
          </Col>
          <Col xs={12} md={2} className="d-grid">
            <Button type="submit">Search</Button>
          </Col>
        </Row>
      </Form>

      <ErrorAlert error={error} onRetry={reload} />

      <PagedResults
        result={result}
        items={movies}
        error={error}
        loading={loading}
        loadingLabel="Loading movies…"
        empty={
          filtered ? (
            <>
              <p className="mb-2">No movies match your search.</p>
              <Button variant="outline-primary" size="sm" onClick={() => apply({ q: '', genre: '' })}>
                Clear filters
              </Button>
            </>
          ) : (
            <p className="mb-0">
              The catalogue is empty. <Link to="/private">Add the first movie</Link>.
            </p>
          )
        }
        page={page}
        perPage={PER_PAGE}
        toPage={toPage}
        label="Catalogue pages"
      >
        <Row xs={1} sm={2} lg={3} className="g-3" as="ul" role="list" aria-label="Movies" style={{ listStyle: 'none', paddingLeft: 0 }}>
          {movies.map((movie) => (
            <Col as="li" key={movie.id}>
              <Card className="h-100 shadow-sm" data-testid="movie-card">
                <Card.Body>
                  <Card.Title as="h2" className="h5">
                    <Link to={`/movies/${movie.id}`} className="stretched-link text-decoration-none">
                      {movie.name}
                    </Link>
                  </Card.Title>
                  <Card.Text className="text-body-secondary small mb-2 text-truncate">
                    {movie.casts.join(', ')}
                  </Card.Text>
                  <GenreBadges genres={movie.genres} />
                </Card.Body>
              </Card>
            </Col>
          ))}
        </Row>
      </PagedResults>
    </>
  );
}
