import { useEffect, useState } from 'react';
import Button from 'react-bootstrap/Button';
import Col from 'react-bootstrap/Col';
import Form from 'react-bootstrap/Form';
import Row from 'react-bootstrap/Row';
import Field from './Field.jsx';
import { YEAR_MIN, validateYear, wholeNumber, yearMax } from '../validation.js';

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

export const MIN_RATINGS = [9, 8, 7, 6, 5, 4, 3, 2, 1];

/** Text fields typed before Search applies them. */
function draftOf(filters) {
  return {
    q: filters.q,
    genre: filters.genre,
    director: filters.director,
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

/**
 * The catalogue's search form. `filters` are the ones in force (from the URL); text and years
 * apply on Search, the minimum rating and the sort as soon as they are picked. `onApply(changes)`
 * gets {name: value} with '' for a filter removed; `genres` and `directors` feed the suggestions.
 */
export default function CatalogueFilters({ filters, onApply, genres, directors }) {
  const [draft, setDraft] = useState(() => draftOf(filters));
  const [errors, setErrors] = useState({});
  const { q, genre, director, year_from: yearFrom, year_to: yearTo } = filters;
  // Follow the URL when it changes under us (back button, nav link).
  useEffect(() => {
    setDraft(draftOf({ q, genre, director, year_from: yearFrom, year_to: yearTo }));
    setErrors({});
  }, [q, genre, director, yearFrom, yearTo]);

  const edit = (name) => (event) => {
    setDraft({ ...draft, [name]: event.target.value });
    setErrors({ ...errors, [name]: null });
  };

  function submit(event) {
    event.preventDefault();
    const found = yearErrors(draft);
    setErrors(found);
    if (found.year_from || found.year_to) return;
    onApply({
      q: draft.q.trim(),
      genre: draft.genre.trim(),
      director: draft.director.trim(),
      year_from: draft.year_from.trim(),
      year_to: draft.year_to.trim(),
    });
  }

  const ratingChoices = [...new Set([...MIN_RATINGS, ...(filters.min_rating ? [filters.min_rating] : [])])].sort(
    (a, b) => b - a,
  );
  const yearProps = { type: 'number', inputMode: 'numeric', min: YEAR_MIN, max: yearMax(), step: 1, className: 'mb-0' };

  return (
    <Form role="search" className="mb-4" noValidate onSubmit={submit}>
      <Row className="g-2 align-items-start">
        <Col xs={12} md={5}>
          <Form.Group controlId="search-q">
            <Form.Label>Search</Form.Label>
            <Form.Control type="search" placeholder="Movie name…" value={draft.q} onChange={edit('q')} />
          </Form.Group>
        </Col>
        <Col xs={6} md={3}>
          <Form.Group controlId="search-genre">
            <Form.Label>Genre</Form.Label>
            <Form.Control list="genre-options" placeholder="Any genre" value={draft.genre} onChange={edit('genre')} />
            <datalist id="genre-options">
              {genres.map((name) => (
                <option key={name} value={name} />
              ))}
            </datalist>
          </Form.Group>
        </Col>
        <Col xs={6} md={4}>
          <Form.Group controlId="search-director">
            <Form.Label>Director</Form.Label>
            <Form.Control
              list="director-options"
              placeholder="Any director"
              value={draft.director}
              onChange={edit('director')}
            />
            <datalist id="director-options">
              {directors.map((name) => (
                <option key={name} value={name} />
              ))}
            </datalist>
          </Form.Group>
        </Col>
        <Col xs={6} md={2}>
          <Field
            id="search-year-from"
            label="Year from"
            value={draft.year_from}
            onChange={edit('year_from')}
            error={errors.year_from}
            {...yearProps}
          />
        </Col>
        <Col xs={6} md={2}>
          <Field
            id="search-year-to"
            label="Year to"
            value={draft.year_to}
            onChange={edit('year_to')}
            error={errors.year_to}
            {...yearProps}
          />
        </Col>
        <Col xs={6} md={3}>
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
        <Col xs={6} md={3}>
          <Form.Group controlId="search-sort">
            <Form.Label>Sort by</Form.Label>
            <Form.Select value={filters.sort} onChange={(event) => onApply({ sort: event.target.value })}>
              {SORTS.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </Form.Select>
          </Form.Group>
        </Col>
        <Col xs={12} md={2} className="d-grid search-submit">
          <Button type="submit">Search</Button>
        </Col>
      </Row>
    </Form>
  );
}
