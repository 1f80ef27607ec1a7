import { useEffect, useRef, useState } from 'react';
import Button from 'react-bootstrap/Button';
import Card from 'react-bootstrap/Card';
import Form from 'react-bootstrap/Form';
import { Link, useNavigate } from 'react-router-dom';
import api from '../api/client.js';
import { useAuth } from '../auth/AuthProvider.jsx';
import ConfirmModal from '../components/ConfirmModal.jsx';
import ErrorAlert from '../components/ErrorAlert.jsx';
import DisplayNameField from '../components/DisplayNameField.jsx';
import LetterboxdCard from '../components/LetterboxdCard.jsx';
import Notice from '../components/Notice.jsx';
import PasswordFields, { PasswordField } from '../components/PasswordFields.jsx';
import SubmitButton from '../components/SubmitButton.jsx';
import { formatDate } from '../format.js';
import useApiForm from '../hooks/useApiForm.js';
import {
  fieldError,
  validateConfirmation,
  validateDisplayName,
  validatePassword,
} from '../validation.js';

export const PASSWORD_CHANGED_NOTICE = 'Password changed; your other sessions were logged out.';
export const ACCOUNT_DELETED_NOTICE = 'Your account and all your movies were deleted.';

const EMPTY = { current: '', next: '', confirm: '' };

/** The API's errors on the form's fields: it names them current_password and new_password. */
function passwordErrors(error) {
  return {
    // 403 here means the token is fine but the current password is wrong.
    current: error.status === 403 ? error.message : fieldError(error.errors, 'current_password'),
    next: fieldError(error.errors, 'new_password'),
  };
}

/** The name others see beside one's reviews (never the email): shown, changed, or back to the default. */
function DisplayNameForm() {
  const { user, updateMe } = useAuth();
  const [notice, setNotice] = useState(null);
  const form = useApiForm({
    initial: { display_name: user.display_name },
    validate: (values) => ({ display_name: validateDisplayName(values.display_name) }),
    submit: async (values) => {
      const me = await updateMe({ display_name: values.display_name.trim() });
      form.reset({ display_name: me.display_name });
      setNotice(`Others now see you as “${me.display_name}”.`);
    },
  });
  const [restoring, setRestoring] = useState(false);
  const [restoreError, setRestoreError] = useState(null);

  async function restoreDefault() {
    setNotice(null);
    setRestoring(true);
    setRestoreError(null);
    try {
      const me = await updateMe({ display_name: null });
      form.reset({ display_name: me.display_name });
      setNotice(`Back to the default name, “${me.display_name}”.`);
    } catch (err) {
      setRestoreError(err);
    } finally {
      setRestoring(false);
    }
  }

  function handleSubmit(event) {
    setNotice(null);
    return form.handleSubmit(event);
  }

  return (
    <Card className="shadow-sm mb-4">
      <Card.Body className="p-4">
        <h2 className="h5 mb-1">Display name</h2>
        <p className="text-body-secondary">
          Others see you as <strong data-testid="current-display-name">{user.display_name}</strong> beside your
          reviews; your email is never shown to them.
        </p>
        <Notice notice={notice} onClose={() => setNotice(null)} testId="display-name-notice" />
        <ErrorAlert error={form.generalError || restoreError} />
        <Form noValidate onSubmit={handleSubmit} style={{ maxWidth: 420 }}>
          <DisplayNameField id="account-display-name" {...form.field('display_name')} />
          <div className="d-flex flex-wrap gap-2">
            <SubmitButton busy={form.submitting}>Save name</SubmitButton>
            <Button variant="outline-secondary" onClick={restoreDefault} disabled={restoring || form.submitting}>
              Use the default name
            </Button>
          </div>
        </Form>
      </Card.Body>
    </Card>
  );
}

/** Change password: the current one as proof, the new one twice. */
function ChangePasswordForm() {
  const [notice, setNotice] = useState(null);
  const form = useApiForm({
    initial: EMPTY,
    validate: (values) => ({
      current: values.current ? null : 'Enter your current password.',
      next: validatePassword(values.next),
      confirm: validateConfirmation(values.next, values.confirm),
    }),
    submit: async (values) => {
      await api.changePassword(values.current, values.next);
      form.reset(EMPTY);
      setNotice(PASSWORD_CHANGED_NOTICE);
    },
    mapErrors: passwordErrors,
  });

  function handleSubmit(event) {
    setNotice(null);
    return form.handleSubmit(event);
  }

  return (
    <Card className="shadow-sm mb-4">
      <Card.Body className="p-4">
        <h2 className="h5 mb-3">Change password</h2>
        <Notice notice={notice} onClose={() => setNotice(null)} testId="password-notice" />
        <ErrorAlert error={form.generalError} />
        <Form noValidate onSubmit={handleSubmit} aria-label="Change password" style={{ maxWidth: 420 }}>
          <PasswordField id="account-current-password" label="Current password" {...form.field('current')} />
          <PasswordFields
            form={form}
            id="account-new-password"
            name="next"
            confirmId="account-confirm-password"
            confirmName="confirm"
          />
          <SubmitButton busy={form.submitting}>Change password</SubmitButton>
        </Form>
      </Card.Body>
    </Card>
  );
}

/** /account: the logged-in person's own account: display name, password change, Letterboxd in and out, account deletion. */
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
          <span className="email-text" title={user.email}>
            {user.email}
          </span>
          {user.is_admin && <span className="badge text-bg-warning ms-2">admin</span>}
          {user.created_at && (
            <>
              {' '}
              · <span className="text-nowrap">member since {formatDate(user.created_at)}</span>
            </>
          )}
        </p>
      </div>

      <DisplayNameForm />
      <ChangePasswordForm />
      <LetterboxdCard />

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
