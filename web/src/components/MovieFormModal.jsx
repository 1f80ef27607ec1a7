import { useEffect } from 'react';
import Alert from 'react-bootstrap/Alert';
import Button from 'react-bootstrap/Button';
import Col from 'react-bootstrap/Col';
import Form from 'react-bootstrap/Form';
import Modal from 'react-bootstrap/Modal';
import Row from 'react-bootstrap/Row';
import Field from './Field.jsx';
import PosterField from './PosterField.jsx';
import CancelButton from './CancelButton.jsx';
import SubmitButton from './SubmitButton.jsx';
import useApiForm, { anyMessage } from '../hooks/useApiForm.js';
import { OVERVIEW_MAX, RUNTIME_MAX, YEAR_MIN, splitList, validateMovie, yearMax } from '../validation.js';

const EMPTY = { name: '', year: '', runtime_minutes: '', directors: '', casts: '', genres: '', overview: '' };

function toValues(movie) {
  if (!movie) return EMPTY;
  return {
    name: movie.name,
    year: movie.year ? String(movie.year) : '',
    runtime_minutes: movie.runtime_minutes ? String(movie.runtime_minutes) : '',
    directors: movie.directors.join(', '),
    casts: movie.casts.join(', '),
    genres: movie.genres.join(', '),
    overview: movie.overview,
  };
}

/** A form's number field as the API wants it: null when left empty. */
function numberOrNull(text) {
  return text.trim() ? Number(text.trim()) : null;
}

/**
 * Add/edit dialog for a movie. `onSave(fields)` talks to the API; when it
 * rejects, the ApiError's field errors land next to the fields. A 412 means
 * the copy being edited is stale, so the person is offered `onReload`. When
 * editing, `onPosterChange({movie, etag})` is told of a poster uploaded or
 * removed from the dialog (which changes the movie's ETag).
 */
export default function MovieFormModal({ show, title, movie, onSave, onHide, onReload, onPosterChange }) {
  const form = useApiForm({
    initial: EMPTY,
    validate: validateMovie,
    submit: (values) =>
      onSave({
        name: values.name.trim(),
        year: numberOrNull(values.year),
        runtime_minutes: numberOrNull(values.runtime_minutes),
        directors: splitList(values.directors),
        casts: splitList(values.casts),
        genres: splitList(values.genres),
        overview: values.overview.trim(),
      }),
  });
  const { reset, error } = form;

  // Reset whenever the dialog opens or the movie's fields change under it (a reload after a 412);
  // a new poster alone changes none of them, so it keeps what is being typed.
  const initial = JSON.stringify(toValues(movie));
  useEffect(() => {
    if (show) reset(JSON.parse(initial));
  }, [show, initial, reset]);

  const stale = error && error.status === 412;

  return (
    <Modal show={show} onHide={onHide} centered fullscreen="sm-down" aria-labelledby="movie-form-title">
      <Form noValidate onSubmit={form.handleSubmit} aria-label={title}>
        <Modal.Header closeButton>
          <Modal.Title id="movie-form-title" as="h2" className="h5">
            {title}
          </Modal.Title>
        </Modal.Header>
        <Modal.Body>
          {stale && (
            <Alert variant="warning" data-testid="stale-alert">
              <p className="mb-2">
                Someone changed this movie meanwhile. Reload it to see the latest version, then make
                your changes again.
              </p>
              {onReload && (
                <Button variant="warning" size="sm" onClick={onReload}>
                  Reload movie
                </Button>
              )}
            </Alert>
          )}
          {error && !stale && !anyMessage(form.fieldErrors) && <Alert variant="danger">{error.message}</Alert>}
          <Field
            id="movie-name"
            label="Name"
            {...form.field('name')}
            maxLength={200}
            autoFocus
            required
          />
          <Row className="g-3">
            <Col xs={6}>
              <Field
                id="movie-year"
                label="Year"
                type="number"
                inputMode="numeric"
                min={YEAR_MIN}
                max={yearMax()}
                step={1}
                {...form.field('year')}
              />
            </Col>
            <Col xs={6}>
              <Field
                id="movie-runtime"
                label="Runtime (minutes)"
                type="number"
                inputMode="numeric"
                min={1}
                max={RUNTIME_MAX}
                step={1}
                {...form.field('runtime_minutes')}
              />
            </Col>
          </Row>
          <Field
            id="movie-directors"
            label="Directors"
            {...form.field('directors')}
            help="Separate names with commas."
          />
          <Field
            id="movie-casts"
            label="Cast"
            {...form.field('casts')}
            help="Separate names with commas."
            required
          />
          <Field
            id="movie-genres"
            label="Genres"
            {...form.field('genres')}
            help="Separate genres with commas, for example: Drama, Comedy."
            required
          />
          <Field
            id="movie-overview"
            label="Overview"
            as="textarea"
            rows={3}
            {...form.field('overview')}
            help={`What it is about, in at most ${OVERVIEW_MAX.toLocaleString('en')} characters.`}
            className="mb-1"
          />
          {movie && onPosterChange && <PosterField movie={movie} onChange={onPosterChange} />}
        </Modal.Body>
        <Modal.Footer>
          <CancelButton onClick={onHide} disabled={form.submitting} />
          <SubmitButton variant="primary" busy={form.submitting} disabled={stale}>
            Save
          </SubmitButton>
        </Modal.Footer>
      </Form>
    </Modal>
  );
}
