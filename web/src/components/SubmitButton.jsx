import Button from 'react-bootstrap/Button';
import Spinner from 'react-bootstrap/Spinner';

/** A form's submit button: disabled, with a spinner, while `busy`. */
export default function SubmitButton({ busy, disabled = false, children, ...buttonProps }) {
  return (
    <Button type="submit" {...buttonProps} disabled={busy || disabled}>
      {busy && <Spinner animation="border" size="sm" className="me-2" aria-hidden="true" />}
      {children}
    </Button>
  );
}
