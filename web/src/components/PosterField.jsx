import { useRef, useState } from 'react';
import Button from 'react-bootstrap/Button';
import Form from 'react-bootstrap/Form';
import Spinner from 'react-bootstrap/Spinner';
import api from '../api/client.js';
import ErrorAlert from './ErrorAlert.jsx';
import Poster from './Poster.jsx';

export const POSTER_TYPES = 'image/jpeg,image/png,image/webp';

/**
 * The poster part of the movie dialog (edit mode): the poster now, a file input that uploads
 * the chosen image at once, and Remove. The API's refusal (400 not an image, 413 too big, 415
 * another type) shows as it words it. `onChange({movie, etag})` hands over the movie as it is
 * afterwards: its ETag changes with the poster.
 */
export default function PosterField({ movie, onChange }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [status, setStatus] = useState('');
  const input = useRef(null);

  async function run(action, done) {
    setBusy(true);
    setError(null);
    setStatus('');
    try {
      onChange(await action());
      setStatus(done);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  function upload(event) {
    const [file] = event.target.files;
    if (!file) return;
    run(() => api.uploadPoster(movie.id, file), 'Poster uploaded.').finally(() => {
      input.current.value = '';
    });
  }

  function remove() {
    run(async () => {
      await api.deletePoster(movie.id);
      return api.getMovie(movie.id);
    }, 'Poster removed.');
    // The button goes with the poster: keep the keyboard in the field.
    input.current.focus();
  }

  return (
    <fieldset className="border rounded p-3 mt-3" aria-busy={busy}>
      <legend className="float-none w-auto fs-6 fw-semibold px-1 mb-0">Poster</legend>
      <div className="d-flex gap-3 align-items-start">
        <div className="form-poster">
          <Poster movie={movie} lazy={false} />
        </div>
        <div className="flex-grow-1 min-width-0">
          <Form.Group controlId="movie-poster" className="mb-2">
            <Form.Label>Upload a new poster</Form.Label>
            <Form.Control
              type="file"
              accept={POSTER_TYPES}
              ref={input}
              onChange={upload}
              aria-describedby="movie-poster-help"
            />
            <Form.Text id="movie-poster-help">
              A JPEG, PNG or WebP image of at most 5 MiB. It replaces the poster at once.
            </Form.Text>
          </Form.Group>
          <div className="d-flex align-items-center gap-2">
            {movie.poster_url && (
              <Button variant="outline-danger" size="sm" onClick={remove}>
                Remove poster
              </Button>
            )}
            {busy && <Spinner animation="border" size="sm" aria-hidden="true" />}
            <span role="status" className="small text-body-secondary" data-testid="poster-status">
              {busy ? 'Saving the poster…' : status}
            </span>
          </div>
          <ErrorAlert error={error} className="mt-2 mb-0" />
        </div>
      </div>
    </fieldset>
  );
}
