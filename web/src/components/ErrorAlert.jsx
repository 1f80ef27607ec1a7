import Alert from 'react-bootstrap/Alert';
import Button from 'react-bootstrap/Button';

/** Shows an ApiError; an unreachable server gets its own heading and a retry. */
export default function ErrorAlert({ error, onRetry, className = 'my-3' }) {
  if (!error) return null;
  const unreachable = Boolean(error.unreachable);
  return (
    <Alert variant={unreachable ? 'warning' : 'danger'} className={className}>
      {unreachable && <Alert.Heading as="h2" className="h6">Server unreachable</Alert.Heading>}
      <p className="mb-0">{error.message}</p>
      {onRetry && (
        <Button variant="outline-secondary" size="sm" className="mt-2" onClick={onRetry}>
          Try again
        </Button>
      )}
    </Alert>
  );
}
