import { useEffect } from 'react';
import Alert from 'react-bootstrap/Alert';
import Button from 'react-bootstrap/Button';
import Form from 'react-bootstrap/Form';
import Modal from 'react-bootstrap/Modal';
import Field from './Field.jsx';
import SubmitButton from './SubmitButton.jsx';
import useApiForm, { anyMessage } from '../hooks/useApiForm.js';
import { splitList, validateMovie } from '../validation.js';

const EMPTY = { name: '', casts: '', genres: '' };

function toValues(movie) {
  if (!movie) return EMPTY;
  return { name: movie.name, casts: movie.casts.join(', '), genres: movie.genres.join(', ') };
}

/**
 * Add/edit dialog for a movie. `onSave(fields)` talks to the API; when it
 * rejects, the ApiError's field errors land next to the fields. A 412 means
 * the copy being edited is stale, so the person is offered `onReload`.
 */
export default function MovieFormModal({ show, title, movie, onSave, onHide, onReload }) {
  const form = useApiForm({
    initial: EMPTY,
    validate: validateMovie,
    submit: (values) =>
      onSave({
        name: values.name.trim(),
        casts: splitList(values.casts),
        genres: splitList(values.genres),
      }),
  });
  const { reset, error } = form;

  // Reset whenever the dialog opens or the movie under edit is reloaded.
  useEffect(() => {
    if (show) reset(toValues(movie));
  }, [show, movie, reset]);

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
            className="mb-1"
            required
          />
        </Modal.Body>
        <Modal.Footer>
          <Button variant="outline-secondary" onClick={onHide} disabled={form.submitting}>
            Cancel
          </Button>
          <SubmitButton variant="primary" busy={form.submitting} disabled={stale}>
            Save
          </SubmitButton>
        </Modal.Footer>
      </Form>
    </Modal>
  );
}
