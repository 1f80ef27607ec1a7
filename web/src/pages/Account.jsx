import { useEffect, useRef, useState } from 'react';
import Alert from 'react-bootstrap/Alert';
import Button from 'react-bootstrap/Button';
import Card from 'react-bootstrap/Card';
import Form from 'react-bootstrap/Form';
import Spinner from 'react-bootstrap/Spinner';
import { Link, useNavigate } from 'react-router-dom';
import api from '../api/client.js';
import { useAuth } from '../auth/AuthProvider.jsx';
import ConfirmModal from '../components/ConfirmModal.jsx';
import ErrorAlert from '../components/ErrorAlert.jsx';
import Field from '../components/Field.jsx';
import { formatDate } from '../format.js';
import { fieldError, validateConfirmation, validatePassword } from '../validation.js';

export const PASSWORD_CHANGED_NOTICE = 'Password changed; your other sessions were logged out.';
export const ACCOUNT_DELETED_NOTICE = 'Your account and all your movies were deleted.';

const EMPTY = { current: '', next: '', confirm: '' };
// The API's field names for the form's fields.
const API_FIELD = { current: 'current_password', next: 'new_password' };

/** Change password: the current one as proof, the new one twice. */
function ChangePasswordForm() {
  const [values, setValues] = useState(EMPTY);
  const [touched, setTouched] = useState({});
  const [serverErrors, setServerErrors] = useState({});
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  const [submitting, setSubmitting] = useState(false);

  const localErrors = {
    current: values.current ? null : 'Enter your current password.',
    next: validatePassword(values.next),
    confirm: validateConfirmation(values.next, values.confirm),
  };
  const messageFor = (field) => (touched[field] && localErrors[field]) || serverErrors[field] || null;

  function change(event) {
    const { name, value } = event.target;
    setValues((current) => ({ ...current, [name]: value }));
    setServerErrors((current) => ({ ...current, [name]: undefined }));
  }

  function blur(event) {
    const { name } = event.target;
    setTouched((current) => ({ ...current, [name]: true }));
  }

  async function handleSubmit(event) {
    event.preventDefault();
    setTouched({ current: true, next: true, confirm: true });
    setNotice(null);
    if (localErrors.current || localErrors.next || localErrors.confirm) return;
    setSubmitting(true);
    setError(null);
    try {
      await api.changePassword(values.current, values.next);
      setValues(EMPTY);
      setTouched({});
      setServerErrors({});
      setNotice(PASSWORD_CHANGED_NOTICE);
    } catch (err) {
      const errors = {
        current: fieldError(err.errors, API_FIELD.current),
        next: fieldError(err.errors, API_FIELD.next),
      };
      // 403 here means the token is fine but the current password is wrong.
      if (err.status === 403) errors.current = err.message;
      setServerErrors(errors);
      setError(errors.current || errors.next ? null : err);
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <Card className="shadow-sm mb-4">
      <Card.Body className="p-4">
        <h2 className="h5 mb-3">Change password</h2>
        {notice && (
          <Alert variant="success" dismissible onClose={() => setNotice(null)} data-testid="password-notice">
            {notice}
          </Alert>
        )}
        <ErrorAlert error={error} />
        <Form noValidate onSubmit={handleSubmit} aria-label="Change password" style={{ maxWidth: 420 }}>
          <Field
            id="account-current-password"
            label="Current password"
            type="password"
            name="current"
            autoComplete="current-password"
            value={values.current}
            onChange={change}
            onBlur={blur}
            error={messageFor('current')}
            required
          />
          <Field
            id="account-new-password"
            label="New password"
            type="password"
            name="next"
            autoComplete="new-password"
            value={values.next}
            onChange={change}
            onBlur={blur}
            error={messageFor('next')}
            help="At least 8 characters and at most 72 bytes."
            required
          />
          <Field
            id="account-confirm-password"
            label="Confirm new password"
            type="password"
            name="confirm"
            autoComplete="new-password"
            value={values.confirm}
            onChange={change}
            onBlur={blur}
            error={messageFor('confirm')}
            required
          />
          <Button type="submit" disabled={submitting}>
            {submitting && <Spinner animation="border" size="sm" className="me-2" aria-hidden="true" />}
            Change password
          </Button>
        </Form>
      </Card.Body>
    </Card>
  );
}

/** /account: the logged-in person's own account: password change and account deletion. */
export default function Account() {
  const { user, forgetSession } = useAuth();
  const navigate = useNavigate();
  const [confirming, setConfirming] = useState(false);
  const deleted = useRef(false);

  // The API deleted the sessions with the account; only the local copy is left to drop.
  // That waits until this page has left: dropping it first would make <RequireAuth>
  // send the person to /login while the navigation to / is still on its way.
  useEffect(
    () => () => {
      if (deleted.current) forgetSession();
    },
    [forgetSession],
  );

  async function deleteAccount() {
    await api.deleteUser(user.id);
    deleted.current = true;
    navigate('/', { replace: true, state: { notice: ACCOUNT_DELETED_NOTICE } });
  }

  return (
    <>
      <div className="mb-3">
        <h1 className="h3 mb-1">Your account</h1>
        <p className="text-body-secondary mb-0">
          <span className="text-break">{user.email}</span>
          {user.is_admin && <span className="badge text-bg-warning ms-2">admin</span>}
          {user.created_at && <> · member since {formatDate(user.created_at)}</>}
        </p>
      </div>

      <ChangePasswordForm />

      <Card border="danger" className="shadow-sm" as="section" aria-labelledby="danger-zone-title">
        <Card.Body className="p-4">
          <h2 id="danger-zone-title" className="h5 text-danger mb-2">
            Danger zone
          </h2>
          <p>
            Deleting your account also deletes every movie you added to the catalogue. It cannot be undone.
            {user.is_admin && (
              <>
                {' '}
                If you are the only admin, <Link to="/admin/users">make someone else an admin</Link> first.
              </>
            )}
          </p>
          <Button variant="outline-danger" onClick={() => setConfirming(true)}>
            Delete my account
          </Button>
        </Card.Body>
      </Card>

      <ConfirmModal
        show={confirming}
        title="Delete your account?"
        confirmLabel="Delete my account"
        onConfirm={deleteAccount}
        onHide={() => setConfirming(false)}
      >
        <p className="mb-0">
          This deletes <strong className="text-break">{user.email}</strong> and all the movies you added. You will be
          logged out. This cannot be undone.
        </p>
      </ConfirmModal>
    </>
  );
}
