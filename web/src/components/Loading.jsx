import Spinner from 'react-bootstrap/Spinner';

/** A centred spinner that screen readers announce with `label`. */
export default function Loading({ label = 'Loading…' }) {
  return (
    <div className="d-flex justify-content-center align-items-center gap-2 py-5" role="status">
      <Spinner animation="border" size="sm" aria-hidden="true" />
      <span className="text-body-secondary">{label}</span>
    </div>
  );
}
