import Form from 'react-bootstrap/Form';

/**
 * A labelled form control with its help text and error message. Bootstrap
 * only styles `.is-invalid`; screen readers need aria-invalid and the
 * message linked through aria-describedby, so every form goes through here.
 */
export default function Field({ id, label, error, help, className = 'mb-3', ...controlProps }) {
  const helpId = help ? `${id}-help` : null;
  const errorId = error ? `${id}-error` : null;
  const describedBy = [errorId, helpId].filter(Boolean).join(' ') || undefined;
  return (
    <Form.Group className={className} controlId={id}>
      <Form.Label>{label}</Form.Label>
      <Form.Control
        {...controlProps}
        isInvalid={Boolean(error)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
      />
      {help && <Form.Text id={helpId}>{help}</Form.Text>}
      <Form.Control.Feedback type="invalid" id={errorId || undefined}>
        {error}
      </Form.Control.Feedback>
    </Form.Group>
  );
}
