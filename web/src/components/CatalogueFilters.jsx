import { useEffect, useState } from 'react';
import Badge from 'react-bootstrap/Badge';
import Button from 'react-bootstrap/Button';
import Col from 'react-bootstrap/Col';
import Form from 'react-bootstrap/Form';
import Row from 'react-bootstrap/Row';
import Field from './Field.jsx';
import { YEAR_MIN, splitList, validateYear, wholeNumber, yearMax } from '../validation.js';

export const SORTS = [
  { value: '-created_at', label: 'Newest first' },
  { value: 'created_at', label: 'Oldest first' },
  { value: 'name', label: 'Name (A–Z)' },
  { value: '-name', label: 'Name (Z–A)' },
  { value: '-year', label: 'Year (newest first)' },
  { value: 'year', label: 'Year (oldest first)' },
  { value: '-rating', label: 'Rating (highest first)' },
  { value: 'rating', label: 'Rating (lowest first)' },
];

// With a search and no sort chosen, the API answers the best matches first.
const BEST_MATCH = { value: '', label: 'Best match' };

export const MIN_RATINGS = [9, 8, 7, 6, 5, 4, 3, 2, 1];

// Genres shown before "more": about one line on a laptop.
const GENRES_SHOWN = 10;

const YEAR_FIELDS = [
  ['year_from', 'Year from'],
  ['year_to', 'Year to'],
];

/** Text fields typed before Search applies them: several people in one field, with commas between. */
function draftOf(filters) {
  return {
    q: filters.q,
    cast: filters.cast.join(', '),
    director: filters.director.join(', '),
    year_from: filters.year_from ? String(filters.year_from) : '',
    year_to: filters.year_to ? String(filters.year_to) : '',
  };
}

/** What is wrong with the typed year range, per field. */
function yearErrors(draft) {
  const errors = { year_from: validateYear(draft.year_from), year_to: validateYear(draft.year_to) };
  const from = wholeNumber(draft.year_from, YEAR_MIN, yearMax());
  const to = wholeNumber(draft.year_to, YEAR_MIN, yearMax());
  if (!errors.year_to && from !== null && to !== null && to < from) {
    errors.year_to = 'Must not be before “Year from”.';
  }
  return errors;
}

const sameName = (a, b) => a.toLowerCase() === b.toLowerCase();

/**
 * The genres to pick from: the API's list with its counts, and any genre in force that the list
 * lacks (a link from a movie's page, a list that could not be loaded), first.
 */
function genreChoices(listed, chosen) {
  const missing = chosen.filter((name) => !listed.some((genre) => sameName(genre.name, name)));
  return [...missing.map((name) => ({ name, count: null })), ...listed];
}

/**
 * The genre picker: toggles, each with its count of movies; a movie must have every genre picked.
 * The most frequent GENRES_SHOWN (and any picked) show until "more" unfolds the rest.
 */
function GenrePicker({ genres, chosen, onChange }) {
  const [all, setAll] = useState(false);
  if (!genres.length) return null;
  const picked = (name) => chosen.some((g) => sameName(g, name));
  const toggle = (name) => onChange(picked(name) ? chosen.filter((g) => !sameName(g, name)) : [...chosen, name]);
  const shown = all ? genres : genres.filter((genre, index) => index < GENRES_SHOWN || picked(genre.name));
  return (
    <fieldset className="mb-3" aria-labelledby="genre-legend" aria-describedby="genre-help">
      <div className="d-flex flex-wrap align-items-baseline column-gap-2 mb-2">
        <span className="form-label mb-0" id="genre-legend">
          Genres
        </span>
        <span className="form-text mt-0" id="genre-help">
          Pick several to find movies that have them all.
        </span>
      </div>
      <div className="d-flex flex-wrap align-items-center gap-2">
        {shown.map(({ name, count }, index) => {
          const id = `genre-${index}`;
          return (
            <div key={name}>
              <input
                type="checkbox"
                className="btn-check"
                id={id}
                checked={picked(name)}
                onChange={() => toggle(name)}
              />
              <label className="btn btn-sm btn-outline-secondary rounded-pill genre-toggle" htmlFor={id}>
                {name}
                {count !== null && (
                  <>
                    <span className="visually-hidden">, </span>
                    <span className="genre-count ms-1">{count}</span>
                    <span className="visually-hidden"> {count === 1 ? 'movie' : 'movies'}</span>
                  </>
                )}
              </label>
            </div>
          );
        })}
        {(all || shown.length < genres.length) && (
          <Button variant="link" size="sm" aria-expanded={all} onClick={() => setAll(!all)}>
            {all ? 'Fewer genres' : `${genres.length - shown.length} more`}
          </Button>
        )}
      </div>
    </fieldset>
  );
}

/** How many filters are in force besides the search: the number on a phone's Filters button. */
function countFilters(filters) {
  return (
    filters.genre.length +
    filters.cast.length +
    filters.director.length +
    [filters.year_from, filters.year_to, filters.min_rating].filter(Boolean).length
  );
}

/**
 * The catalogue's search form: one box that finds titles, cast and directors, and the filters,
 * folded behind a button on a phone. `filters` are the ones in force (from the URL); the text
 * fields and years apply on Search, genres, the minimum rating and the sort as soon as they
 * are picked. `onApply(changes)` gets {name: value} ('' or [] for a filter removed; genre, cast
 * and director are lists); `choices` ({genres, directors}, with counts) feed the pickers.
 */
export default function CatalogueFilters({ filters, onApply, choices }) {
  const [draft, setDraft] = useState(() => draftOf(filters));
  const [errors, setErrors] = useState({});
  const [open, setOpen] = useState(false);
  const { q, year_from: yearFrom, year_to: yearTo } = filters;
  const cast = filters.cast.join(', ');
  const director = filters.director.join(', ');
  // Follow the URL when it changes under us (back button, nav link, a link from a movie's page).
  useEffect(() => {
    setDraft(draftOf({ q, cast: splitList(cast), director: splitList(director), year_from: yearFrom, year_to: yearTo }));
    setErrors({});
  }, [q, cast, director, yearFrom, yearTo]);

  const edit = (name) => (event) => {
    setDraft({ ...draft, [name]: event.target.value });
    setErrors({ ...errors, [name]: null });
  };

  function submit(event) {
    event.preventDefault();
    const found = yearErrors(draft);
    setErrors(found);
    if (found.year_from || found.year_to) {
      setOpen(true);
      return;
    }
    onApply({
      q: draft.q.trim(),
      cast: splitList(draft.cast),
      director: splitList(draft.director),
      year_from: draft.year_from.trim(),
      year_to: draft.year_to.trim(),
    });
  }

  const ratingChoices = [...new Set([...MIN_RATINGS, ...(filters.min_rating ? [filters.min_rating] : [])])].sort(
    (a, b) => b - a,
  );
  const sorts = q ? [BEST_MATCH, ...SORTS] : SORTS;
  const yearProps = { type: 'number', inputMode: 'numeric', min: YEAR_MIN, max: yearMax(), step: 1, className: 'mb-0' };
  const inForce = countFilters(filters);

  return (
    <Form role="search" className="mb-4" noValidate onSubmit={submit}>
      <Form.Label htmlFor="search-q">Search</Form.Label>
      <div className="d-flex flex-wrap flex-md-nowrap gap-2 mb-3">
        <Form.Control
          id="search-q"
          type="search"
          className="search-box"
          placeholder="Search titles, cast, directors"
          value={draft.q}
          onChange={edit('q')}
        />
        <Button type="submit" className="flex-grow-1 flex-md-grow-0">
          Search
        </Button>
        <Button
          variant="outline-primary"
          className="d-md-none text-nowrap flex-grow-1"
          aria-expanded={open}
          aria-controls="catalogue-filters"
          aria-label={inForce > 0 ? `Filters, ${inForce} in force` : undefined}
          onClick={() => setOpen(!open)}
        >
          Filters
          {inForce > 0 && ' '}
          {inForce > 0 && <Badge bg="dark">{inForce}</Badge>}
        </Button>
      </div>
      <div id="catalogue-filters" className={open ? undefined : 'd-none d-md-block'} data-testid="catalogue-filters">
        <GenrePicker
          genres={genreChoices(choices.genres, filters.genre)}
          chosen={filters.genre}
          onChange={(genre) => onApply({ genre })}
        />
        <Row className="g-2 align-items-start">
          <Col xs={12} md={6} lg={2}>
            <Form.Group controlId="search-cast">
              <Form.Label>Cast</Form.Label>
              <Form.Control placeholder="Anyone" value={draft.cast} onChange={edit('cast')} />
            </Form.Group>
          </Col>
          <Col xs={12} md={6} lg={3}>
            <Form.Group controlId="search-director">
              <Form.Label>Director</Form.Label>
              <Form.Control
                list="director-options"
                placeholder="Any director"
                value={draft.director}
                onChange={edit('director')}
              />
              <datalist id="director-options">
                {choices.directors.map(({ name, count }) => (
                  <option key={name} value={name} label={`${count} ${count === 1 ? 'movie' : 'movies'}`} />
                ))}
              </datalist>
            </Form.Group>
          </Col>
          {YEAR_FIELDS.map(([name, label]) => (
            <Col xs={6} md={3} lg={1} key={name}>
              <Field
                id={`search-${name.replace('_', '-')}`}
                label={label}
                value={draft[name]}
                onChange={edit(name)}
                error={errors[name]}
                {...yearProps}
              />
            </Col>
          ))}
          <Col xs={6} md={3} lg={2}>
            <Form.Group controlId="search-min-rating">
              <Form.Label>Minimum rating</Form.Label>
              <Form.Select
                value={filters.min_rating ?? ''}
                onChange={(event) => onApply({ min_rating: event.target.value })}
              >
                <option value="">Any rating</option>
                {ratingChoices.map((score) => (
                  <option key={score} value={score}>
                    {score} or higher
                  </option>
                ))}
              </Form.Select>
            </Form.Group>
          </Col>
          <Col xs={6} md={3} lg={3}>
            <Form.Group controlId="search-sort">
              <Form.Label>Sort by</Form.Label>
              <Form.Select
                value={filters.sort || (q ? '' : '-created_at')}
                onChange={(event) => onApply({ sort: event.target.value })}
              >
                {sorts.map((option) => (
                  <option key={option.value} value={option.value}>
                    {option.label}
                  </option>
                ))}
              </Form.Select>
            </Form.Group>
          </Col>
        </Row>
      </div>
    </Form>
  );
}
