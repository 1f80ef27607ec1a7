import { useEffect, useState } from 'react';
import Alert from 'react-bootstrap/Alert';
import Button from 'react-bootstrap/Button';
import Form from 'react-bootstrap/Form';
import Modal from 'react-bootstrap/Modal';
import Spinner from 'react-bootstrap/Spinner';
import Field from './Field.jsx';
import { fieldError, validateEmail, validatePassword } from '../validation.js';

const EMPTY = { email: '', password: '', is_admin: false };

/**
 * The admins' "create a user" dialog. `onSave({email, password, is_admin})`
 * talks to the API; when it rejects, field errors land next to the fields.
 */
export default function UserFormModal({ show, onSave, onHide }) {
  const [values, setValues] = useState(EMPTY);
  const [touched, setTouched] = useState({});
  const [serverErrors, setServerErrors] = useState({});
  const [error, setError] = useState(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (!show) return;
    setValues(EMPTY);
    setTouched({});
    setServerErrors({});
    setError(null);
  }, [show]);

  const localErrors = {
    // validateEmail speaks to the account's owner ("your"); here an admin types someone else's.
    email: values.email.trim() ? validateEmail(values.email) : 'Enter their email address.',
    password: validatePassword(values.password),
  };
  const messageFor = (field) =>
    (touched[field] && localErrors[field]) || fieldError(serverErrors, field);

  function change(event) {
    const { name, value, type, checked } = event.target;
    setValues((current) => ({ ...current, [name]: type === 'checkbox' ? checked : value }));
    setServerErrors((current) => ({ ...current, [name]: undefined }));
  }

  function blur(event) {
    const { name } = event.target;
    setTouched((current) => ({ ...current, [name]: true }));
  }

  async function handleSubmit(event) {
    event.preventDefault();
    setTouched({ email: true, password: true });
    if (localErrors.email || localErrors.password) return;
    setSaving(true);
    setError(null);
    try {
      await onSave({ email: values.email.trim(), password: values.password, is_admin: values.is_admin });
    } catch (err) {
      setError(err);
      setServerErrors(err.errors || {});
    } finally {
      setSaving(false);
    }
  }

  const hasFieldErrors = ['email', 'password', 'is_admin'].some((field) => fieldError(serverErrors, field));

  return (
    <Modal show={show} onHide={onHide} centered fullscreen="sm-down" aria-labelledby="user-form-title">
      <Form noValidate onSubmit={handleSubmit} aria-label="Create a user">
        <Modal.Header closeButton>
          <Modal.Title id="user-form-title" as="h2" className="h5">
            Create a user
          </Modal.Title>
        </Modal.Header>
        <Modal.Body>
          {error && !hasFieldErrors && <Alert variant="danger">{error.message}</Alert>}
          <Field
            id="user-email"
            label="Email"
            type="email"
            name="email"
            autoComplete="off"
            value={values.email}
            onChange={change}
            onBlur={blur}
            error={messageFor('email')}
            autoFocus
            required
          />
          <Field
            id="user-password"
            label="Password"
            type="password"
            name="password"
            autoComplete="new-password"
            value={values.password}
            onChange={change}
            onBlur={blur}
            error={messageFor('password')}
            help="At least 8 characters and at most 72 bytes. Tell it to the person; they can change it on their account page."
            required
          />
          <Form.Check
            id="user-is-admin"
            name="is_admin"
            label="Admin: can manage every user and every movie"
            checked={values.is_admin}
            onChange={change}
            isInvalid={Boolean(fieldError(serverErrors, 'is_admin'))}
            feedback={fieldError(serverErrors, 'is_admin')}
            feedbackType="invalid"
          />
        </Modal.Body>
        <Modal.Footer>
          <Button variant="outline-secondary" onClick={onHide} disabled={saving}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" disabled={saving}>
            {saving && <Spinner animation="border" size="sm" className="me-2" aria-hidden="true" />}
            Create user
          </Button>
        </Modal.Footer>
      </Form>
    </Modal>
  );
}
