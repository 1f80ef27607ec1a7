import { useEffect, useState } from 'react';
import Alert from 'react-bootstrap/Alert';
import Button from 'react-bootstrap/Button';
import Form from 'react-bootstrap/Form';
import Modal from 'react-bootstrap/Modal';
import Spinner from 'react-bootstrap/Spinner';
import Field from './Field.jsx';
import { fieldError, splitList, validateMovie } from '../validation.js';

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
  const [values, setValues] = useState(EMPTY);
  const [touched, setTouched] = useState({});
  const [serverErrors, setServerErrors] = useState({});
  const [error, setError] = useState(null);
  const [saving, setSaving] = useState(false);

  // Reset whenever the dialog opens or the movie under edit is reloaded.
  useEffect(() => {
    if (!show) return;
    setValues(toValues(movie));
    setTouched({});
    setServerErrors({});
    setError(null);
  }, [show, movie]);

  const localErrors = validateMovie(values);
  const messageFor = (field) =>
    (touched[field] && localErrors[field]) || fieldError(serverErrors, field);

  function change(event) {
    const { name, value } = event.target;
    setValues((current) => ({ ...current, [name]: value }));
    setServerErrors((current) => ({ ...current, [name]: undefined }));
  }

  function blur(event) {
    const { name } = event.target;
    setTouched((current) => ({ ...current, [name]: true }));
  }

  async function handleSubmit(event) {
    event.preventDefault();
    setTouched({ name: true, casts: true, genres: true });
    if (Object.keys(localErrors).length > 0) return;
    setSaving(true);
    setError(null);
    try {
      await onSave({
        name: values.name.trim(),
        casts: splitList(values.casts),
        genres: splitList(values.genres),
      });
    } catch (err) {
      setError(err);
      setServerErrors(err.errors || {});
    } finally {
      setSaving(false);
    }
  }

  const stale = error && error.status === 412;
  const hasFieldErrors = ['name', 'casts', 'genres'].some((field) => fieldError(serverErrors, field));

  return (
    <Modal show={show} onHide={onHide} centered fullscreen="sm-down" aria-labelledby="movie-form-title">
      <Form noValidate onSubmit={handleSubmit} aria-label={title}>
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
          {error && !stale && !hasFieldErrors && <Alert variant="danger">{error.message}</Alert>}
          <Field
            id="movie-name"
            label="Name"
            name="name"
            value={values.name}
            onChange={change}
            onBlur={blur}
            error={messageFor('name')}
            maxLength={200}
            autoFocus
            required
          />
          <Field
            id="movie-casts"
            label="Cast"
            name="casts"
            value={values.casts}
            onChange={change}
            onBlur={blur}
            error={messageFor('casts')}
            help="Separate names with commas."
            required
          />
          <Field
            id="movie-genres"
            label="Genres"
            name="genres"
            value={values.genres}
            onChange={change}
            onBlur={blur}
            error={messageFor('genres')}
            help="Separate genres with commas, for example: Drama, Comedy."
            className="mb-1"
            required
          />
        </Modal.Body>
        <Modal.Footer>
          <Button variant="outline-secondary" onClick={onHide} disabled={saving}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" disabled={saving || stale}>
            {saving && <Spinner animation="border" size="sm" className="me-2" aria-hidden="true" />}
            Save
          </Button>
        </Modal.Footer>
      </Form>
    </Modal>
  );
}
