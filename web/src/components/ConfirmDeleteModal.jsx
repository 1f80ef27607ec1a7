import { useEffect, useState } from 'react';
import Alert from 'react-bootstrap/Alert';
import Button from 'react-bootstrap/Button';
import Modal from 'react-bootstrap/Modal';

/** Asks before deleting `movie`; `onConfirm` does the API call. */
export default function ConfirmDeleteModal({ movie, onConfirm, onHide }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);

  // A failure belongs to the movie it was about, not the next one asked about.
  useEffect(() => setError(null), [movie]);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await onConfirm(movie);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal show={Boolean(movie)} onHide={onHide} centered aria-labelledby="delete-title">
      <Modal.Header closeButton>
        <Modal.Title id="delete-title" as="h2" className="h5">
          Delete movie
        </Modal.Title>
      </Modal.Header>
      <Modal.Body>
        {error && <Alert variant="danger">{error.message}</Alert>}
        <p className="mb-0">
          Delete <strong>{movie?.name}</strong>? This cannot be undone.
        </p>
      </Modal.Body>
      <Modal.Footer>
        <Button variant="outline-secondary" onClick={onHide} disabled={busy}>
          Cancel
        </Button>
        <Button variant="danger" onClick={confirm} disabled={busy}>
          Delete
        </Button>
      </Modal.Footer>
    </Modal>
  );
}
