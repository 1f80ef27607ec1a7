import ConfirmModal from './ConfirmModal.jsx';

/** Asks before deleting `movie`; `onConfirm(movie)` does the API call. */
export default function ConfirmDeleteModal({ movie, onConfirm, onHide }) {
  return (
    <ConfirmModal show={Boolean(movie)} title="Delete movie" onConfirm={() => onConfirm(movie)} onHide={onHide}>
      <p className="mb-0">
        Delete <strong>{movie?.name}</strong>? This cannot be undone.
      </p>
    </ConfirmModal>
  );
}
