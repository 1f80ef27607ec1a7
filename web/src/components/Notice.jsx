import Alert from 'react-bootstrap/Alert';

/** A success message the person can dismiss; nothing while `notice` is empty. */
export default function Notice({ notice, onClose, testId = 'notice' }) {
  if (!notice) return null;
  return (
    <Alert variant="success" dismissible onClose={onClose} data-testid={testId}>
      {notice}
    </Alert>
  );
}
