import { useState } from 'react';
import Button from 'react-bootstrap/Button';
import Spinner from 'react-bootstrap/Spinner';
import api from '../api/client.js';
import ConfirmModal from './ConfirmModal.jsx';
import ErrorAlert from './ErrorAlert.jsx';
import ReviewForm from './ReviewForm.jsx';
import ReviewItem from './ReviewItem.jsx';

export const STALE_DELETE_MESSAGE =
  'Someone changed this review meanwhile; its latest text is shown now. Delete it anyway?';

/**
 * A review its author (or an admin) may change: Edit rewrites it in place and Delete asks
 * first. Each reads the review afresh for its ETag, which goes back as If-Match, so a change
 * made meanwhile elsewhere is refused (412) rather than overwritten. `onChanged(notice)`
 * follows a save or a delete, and (with no notice) finding it changed or gone.
 */
export default function ManagedReview({ review, mine = false, onChanged }) {
  // {review, etag} as read for the edit or the delete under way.
  const [editing, setEditing] = useState(null);
  const [deleting, setDeleting] = useState(null);
  const [opening, setOpening] = useState(null);
  const [error, setError] = useState(null);
  const whose = mine ? 'your review' : `the review by ${review.author.display_name}`;

  async function open(kind, setter) {
    // The buttons stay enabled while the review is read (disabling one would drop the keyboard focus).
    if (opening) return;
    setOpening(kind);
    setError(null);
    try {
      setter(await api.getReview(review.id));
    } catch (err) {
      setError(err);
      if (err.status === 404) onChanged(null);
    } finally {
      setOpening(null);
    }
  }

  async function save(body) {
    await api.updateReview(review.id, body, editing.etag);
    setEditing(null);
    onChanged(mine ? 'Your review was saved.' : `Saved the review by ${review.author.display_name}.`);
  }

  async function remove() {
    try {
      await api.deleteReview(review.id, deleting.etag);
    } catch (err) {
      if (err.status !== 412) throw err;
      setDeleting(await api.getReview(review.id));
      onChanged(null);
      throw new Error(STALE_DELETE_MESSAGE);
    }
    setDeleting(null);
    onChanged(mine ? 'Your review was deleted.' : `Deleted the review by ${review.author.display_name}.`);
  }

  const busyIcon = (kind) =>
    opening === kind ? <Spinner animation="border" size="sm" className="me-1" aria-hidden="true" /> : null;
  const actions = !editing && (
    <div className="d-flex gap-2">
      <Button
        variant="outline-primary"
        size="sm"
        onClick={() => open('edit', setEditing)}
        aria-label={`Edit ${whose}`}
      >
        {busyIcon('edit')}
        Edit
      </Button>
      <Button
        variant="outline-danger"
        size="sm"
        onClick={() => open('delete', setDeleting)}
        aria-label={`Delete ${whose}`}
      >
        {busyIcon('delete')}
        Delete
      </Button>
    </div>
  );

  return (
    <>
      <ReviewItem review={editing ? editing.review : review} mine={mine} actions={actions}>
        {editing && (
          <ReviewForm
            id={`review-edit-${review.id}`}
            label={mine ? 'Your review' : `Review by ${review.author.display_name}`}
            initial={editing.review.body}
            submitLabel="Save review"
            onSave={save}
            onCancel={() => setEditing(null)}
            onReload={() => {
              open('edit', setEditing);
              onChanged(null);
            }}
            autoFocus
          />
        )}
      </ReviewItem>
      <ErrorAlert error={error} className="mt-2 mb-0" />
      <ConfirmModal
        show={Boolean(deleting)}
        title="Delete review"
        onConfirm={remove}
        onHide={() => setDeleting(null)}
      >
        <p>Delete {whose}? This cannot be undone.</p>
        <blockquote className="review-body border-start ps-3 mb-0 text-body-secondary">
          {deleting?.review.body}
        </blockquote>
      </ConfirmModal>
    </>
  );
}
