import { useState } from 'react';
import Alert from 'react-bootstrap/Alert';
import Button from 'react-bootstrap/Button';
import Card from 'react-bootstrap/Card';
import Form from 'react-bootstrap/Form';
import Spinner from 'react-bootstrap/Spinner';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import api, { session } from '../api/client.js';
import { useAuth } from '../auth/AuthProvider.jsx';
import ErrorAlert from '../components/ErrorAlert.jsx';
import Field from '../components/Field.jsx';
import { fieldError, validateConfirmation, validatePassword } from '../validation.js';

export const RESET_DONE_NOTICE = 'Your password was changed; log in with the new one.';

/** A 400 that is about the token rather than the password: asking again won't help. */
function tokenProblem(error) {
  if (!error || error.status !== 400 || fieldError(error.errors, 'password')) return null;
  return fieldError(error.errors, 'reset_token') ? 'This reset token is not valid.' : error.message;
}

function AskAgain({ children }) {
  return (
    <Alert variant="warning" data-testid="reset-token-problem">
      <p className="mb-2">{children}</p>
      <Link to="/forgot-password" className="alert-link">
        Ask for a new reset link
      </Link>
    </Alert>
  );
}

/** /reset-password?token=...: choose a new password with the emailed token, then log in. */
export default function ResetPassword() {
  const [params] = useSearchParams();
  const token = (params.get('token') || '').trim();
  const navigate = useNavigate();
  const { forgetSession } = useAuth();
  const [values, setValues] = useState({ password: '', confirm: '' });
  const [touched, setTouched] = useState({});
  const [serverErrors, setServerErrors] = useState({});
  const [error, setError] = useState(null);
  const [submitting, setSubmitting] = useState(false);

  const localErrors = {
    password: validatePassword(values.password),
    confirm: validateConfirmation(values.password, values.confirm),
  };
  const messageFor = (field) =>
    (touched[field] && localErrors[field]) || fieldError(serverErrors, field);

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
    setTouched({ password: true, confirm: true });
    if (localErrors.password || localErrors.confirm) return;
    setSubmitting(true);
    setError(null);
    try {
      await api.resetPassword(token, values.password);
      // The API has ended every session of the account, this tab's included.
      if (session.hasTokens) forgetSession();
      navigate('/login', { replace: true, state: { notice: RESET_DONE_NOTICE } });
    } catch (err) {
      setServerErrors(err.errors || {});
      setError(err);
      setSubmitting(false);
    }
  }

  const badToken = tokenProblem(error);

  return (
    <div className="mx-auto" style={{ maxWidth: 420 }}>
      <Card className="shadow-sm">
        <Card.Body className="p-4">
          <h1 className="h4 mb-3">Choose a new password</h1>
          {!token ? (
            <AskAgain>
              This page needs the link from your password reset email, but this address has no reset token in it.
              Open the link from the email again (all of it), or ask for a new one.
            </AskAgain>
          ) : badToken ? (
            <AskAgain>{badToken}</AskAgain>
          ) : (
            <>
              {error && !fieldError(error.errors, 'password') && <ErrorAlert error={error} />}
              <Form noValidate onSubmit={handleSubmit} aria-label="Choose a new password">
                <Field
                  id="reset-password"
                  label="New password"
                  type="password"
                  name="password"
                  autoComplete="new-password"
                  value={values.password}
                  onChange={change}
                  onBlur={blur}
                  error={messageFor('password')}
                  help="At least 8 characters and at most 72 bytes."
                  required
                  autoFocus
                />
                <Field
                  id="reset-confirm"
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
                <div className="d-grid">
                  <Button type="submit" disabled={submitting}>
                    {submitting && <Spinner animation="border" size="sm" className="me-2" aria-hidden="true" />}
                    Change password
                  </Button>
                </div>
              </Form>
            </>
          )}
        </Card.Body>
      </Card>
      <p className="text-center mt-3">
        <Link to="/login">Back to log in</Link>
      </p>
    </div>
  );
}
