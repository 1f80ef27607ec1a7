import { useState } from 'react';
import Button from 'react-bootstrap/Button';
import Col from 'react-bootstrap/Col';
import Row from 'react-bootstrap/Row';
import { Link, useLocation, useSearchParams } from 'react-router-dom';
import CatalogueFilters, { SORTS } from '../components/CatalogueFilters.jsx';
import ErrorAlert from '../components/ErrorAlert.jsx';
import MovieCard from '../components/MovieCard.jsx';
import Notice from '../components/Notice.jsx';
import PagedResults from '../components/PagedResults.jsx';
import useMovieList from '../hooks/useMovieList.js';
import { YEAR_MIN, wholeNumber, yearMax } from '../validation.js';

export const PER_PAGE = 12;

const COMMON_GENRES = [
  'Action', 'Adventure', 'Animation', 'Comedy', 'Crime', 'Documentary', 'Drama', 'Family',
  'Fantasy', 'History', 'Horror', 'Music', 'Mystery', 'Romance', 'Science Fiction', 'Thriller',
  'War', 'Western',
];

// The filters kept in the URL besides the sort; the API answers 400 to a bad value, so they are read with care.
const TEXT_FILTERS = ['q', 'genre', 'director'];
const TEXT_MAX = 200;

function positivePage(value) {
  const page = Number(value);
  return Number.isInteger(page) && page > 0 ? page : 1;
}

/**
 * The catalogue's filters as the URL has them, each one dropped when the API would refuse it:
 * {q, genre, director, year_from, year_to, min_rating, sort}, absent ones '' or null.
 */
export function readFilters(params) {
  const filters = {};
  for (const name of TEXT_FILTERS) {
    const value = (params.get(name) || '').trim();
    filters[name] = value.length <= TEXT_MAX ? value : '';
  }
  filters.year_from = wholeNumber(params.get('year_from'), YEAR_MIN, yearMax());
  filters.year_to = wholeNumber(params.get('year_to'), YEAR_MIN, yearMax());
  if (filters.year_from && filters.year_to && filters.year_to < filters.year_from) filters.year_to = null;
  const minRating = Number(params.get('min_rating'));
  filters.min_rating = params.get('min_rating') && minRating >= 1 && minRating <= 10 ? minRating : null;
  const sort = params.get('sort');
  filters.sort = SORTS.some((option) => option.value === sort) ? sort : '-created_at';
  return filters;
}

/** The public catalogue at `/`: search, filters, sort and pages, all kept in the URL. */
export default function Catalogue() {
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const filters = readFilters(params);
  const page = positivePage(params.get('page'));

  // A notice handed over by the page before (for one: "Your account ... was deleted.").
  const [notice, setNotice] = useState(() => location.state && location.state.notice);

  const { result, error, loading, reload } = useMovieList({ ...filters, page, per_page: PER_PAGE });

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

  const filtered = Boolean(
    filters.q || filters.genre || filters.director || filters.year_from || filters.year_to || filters.min_rating,
  );
  const movies = result ? result.movies : [];
  const genreOptions = [...new Set([...COMMON_GENRES, ...movies.flatMap((m) => m.genres)])].sort();
  const directorOptions = [...new Set(movies.flatMap((m) => m.directors))].sort();

  return (
    <>
      <div className="d-flex flex-wrap align-items-baseline justify-content-between gap-2 mb-3">
        <h1 className="h3 mb-0">Movie catalogue</h1>
      </div>

      <Notice notice={notice} onClose={() => setNotice(null)} />

      <CatalogueFilters filters={filters} onApply={apply} genres={genreOptions} directors={directorOptions} />

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
              <Button
                variant="outline-primary"
                size="sm"
                onClick={() =>
                  apply({ q: '', genre: '', director: '', year_from: '', year_to: '', min_rating: '' })
                }
              >
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
        <Row xs={1} sm={2} lg={3} className="g-3 list-unstyled" as="ul" role="list" aria-label="Movies">
          {movies.map((movie) => (
            <Col as="li" key={movie.id}>
              <MovieCard movie={movie} />
            </Col>
          ))}
        </Row>
      </PagedResults>
    </>
  );
}
