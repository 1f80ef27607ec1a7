import { useEffect, useRef, useState } from 'react';
import Button from 'react-bootstrap/Button';
import { Link, useLocation } from 'react-router-dom';
import CatalogueFilters, { SORTS } from '../components/CatalogueFilters.jsx';
import ErrorAlert from '../components/ErrorAlert.jsx';
import MovieGrid from '../components/MovieGrid.jsx';
import Notice from '../components/Notice.jsx';
import PagedResults from '../components/PagedResults.jsx';
import { countOf } from '../format.js';
import useFilterChoices from '../hooks/useFilterChoices.js';
import useLiveMovieList from '../hooks/useLiveMovieList.js';
import useMovieList from '../hooks/useMovieList.js';
import usePageParams from '../hooks/usePageParams.js';
import { YEAR_MIN, wholeNumber, yearMax } from '../validation.js';

// Divides into the grid's 2, 3, 4 and 6 columns.
export const PER_PAGE = 24;

// Filters that may be repeated in the URL (and to the API): a movie must match every value.
export const LIST_FILTERS = ['genre', 'cast', 'director'];
export const NO_FILTERS = { q: '', genre: [], cast: [], director: [], year_from: '', year_to: '', min_rating: '' };
const TEXT_MAX = 200;

/** Each value of a repeatable filter once (in any letter case, as the API compares them), trimmed. */
function distinct(values) {
  const seen = new Set();
  return values
    .map((value) => value.trim())
    .filter((value) => {
      const key = value.toLowerCase();
      if (!value || value.length > TEXT_MAX || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/**
 * The catalogue's filters as the URL has them, each one dropped when the API would refuse it:
 * {q, genre, cast, director, year_from, year_to, min_rating, sort}: genre, cast and director
 * are lists; absent ones '', [] or null; sort '' leaves the order to the API (relevance with q).
 */
export function readFilters(params) {
  const q = (params.get('q') || '').trim();
  const filters = { q: q.length <= TEXT_MAX ? q : '' };
  for (const name of LIST_FILTERS) filters[name] = distinct(params.getAll(name));
  filters.year_from = wholeNumber(params.get('year_from'), YEAR_MIN, yearMax());
  filters.year_to = wholeNumber(params.get('year_to'), YEAR_MIN, yearMax());
  if (filters.year_from && filters.year_to && filters.year_to < filters.year_from) filters.year_to = null;
  const minRating = Number(params.get('min_rating'));
  filters.min_rating = params.get('min_rating') && minRating >= 1 && minRating <= 10 ? minRating : null;
  const sort = params.get('sort');
  filters.sort = SORTS.some((option) => option.value === sort) ? sort : '';
  return filters;
}

/** The public catalogue at `/`: one search box, filters, sort and pages, all kept in the URL. */
export default function Catalogue() {
  const location = useLocation();
  const paging = usePageParams();
  const { params, setParams } = paging;
  const filters = readFilters(params);
  const choices = useFilterChoices();

  // A notice handed over by the page before (for one: "Your account ... was deleted.").
  const [notice, setNotice] = useState(() => location.state && location.state.notice);

  const query = { ...filters, ...paging.pageQuery, per_page: PER_PAGE };
  const list = useMovieList(query);
  const { error, loading, reload } = list;
  // The page as the live stream has changed it since it was read (nothing moves in it but deletions).
  const { result, created, refresh } = useLiveMovieList(list, JSON.stringify(query));
  const heading = useRef(null);

  // Every movie of the page deleted meanwhile: read the page again rather than show it empty.
  const emptied = Boolean(list.result && list.result.movies.length > 0 && result.movies.length === 0 && !loading);
  useEffect(() => {
    if (emptied) reload();
  }, [emptied, reload]);

  /** Reads the page again, new movies and all, and takes the reader to its top. */
  function showCreated() {
    refresh();
    heading.current.focus();
  }

  /** Sets the filters in `changes` ({name: value or list}; '' or [] removes one) and starts again from page 1. */
  function apply(changes) {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      next.delete(key);
      for (const item of Array.isArray(value) ? value : [value]) if (item) next.append(key, item);
    }
    next.delete('page');
    next.delete('cursor');
    setParams(next);
  }

  const filtered = Boolean(
    filters.q ||
      LIST_FILTERS.some((name) => filters[name].length) ||
      filters.year_from ||
      filters.year_to ||
      filters.min_rating,
  );
  const movies = result ? result.movies : [];

  return (
    <>
      <h1 className="h3 mb-3" tabIndex={-1} ref={heading}>
        Movie catalogue
      </h1>

      <Notice notice={notice} onClose={() => setNotice(null)} />

      <CatalogueFilters filters={filters} onApply={apply} choices={choices} />

      <ErrorAlert error={error} onRetry={reload} />

      {created > 0 && (
        // Over the page at the foot of the screen, so the list does not move until the reader asks;
        // first after the filters for the keyboard, not after the whole grid.
        <div className="live-news">
          <Button variant="primary" size="sm" className="rounded-pill shadow" onClick={showCreated}>
            {countOf(created, 'new movie')} — Show
          </Button>
        </div>
      )}

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
              <Button variant="outline-primary" size="sm" onClick={() => apply(NO_FILTERS)}>
                Clear filters
              </Button>
            </>
          ) : (
            <p className="mb-0">
              The catalogue is empty. <Link to="/private">Add the first movie</Link>.
            </p>
          )
        }
        paging={paging}
        perPage={PER_PAGE}
        label="Catalogue pages"
      >
        <MovieGrid movies={movies} label="Movies" />
      </PagedResults>
    </>
  );
}
