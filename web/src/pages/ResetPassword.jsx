import { useEffect, useState } from 'react';
import Alert from 'react-bootstrap/Alert';
import Form from 'react-bootstrap/Form';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import api from '../api/client.js';
import { useAuth } from '../auth/AuthProvider.jsx';
import AuthCard from '../components/AuthCard.jsx';
import ErrorAlert from '../components/ErrorAlert.jsx';
import PasswordFields from '../components/PasswordFields.jsx';
import SubmitButton from '../components/SubmitButton.jsx';
import useApiForm from '../hooks/useApiForm.js';
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

/** The token of a reset link's fragment, `#token=...` (empty when there is none). */
function tokenFrom(hash) {
  return (new URLSearchParams(hash.replace(/^#/, '')).get('token') || '').trim();
}

/** The new password, twice, sent with `token`; a token the API refuses asks for a new link. */
function ResetForm({ token }) {
  const navigate = useNavigate();
  const { user, forgetSession } = useAuth();
  const form = useApiForm({
    initial: { password: '', confirm: '' },
    validate: (values) => ({
      password: validatePassword(values.password),
      confirm: validateConfirmation(values.password, values.confirm),
    }),
    submit: async (values) => {
      await api.resetPassword(token, values.password);
      // The API has ended every session of the account, this tab's included.
      if (user) forgetSession();
      navigate('/login', { replace: true, state: { notice: RESET_DONE_NOTICE } });
    },
    navigatesAway: true,
  });

  const badToken = tokenProblem(form.error);
  if (badToken) return <AskAgain>{badToken}</AskAgain>;
  return (
    <>
      <ErrorAlert error={form.generalError} />
      <Form noValidate onSubmit={form.handleSubmit} aria-label="Choose a new password">
        <PasswordFields
          form={form}
          id="reset-password"
          confirmId="reset-confirm"
          confirmName="confirm"
          autoFocus
        />
        <div className="d-grid">
          <SubmitButton busy={form.submitting}>Change password</SubmitButton>
        </div>
      </Form>
    </>
  );
}

/**
 * /reset-password#token=...: choose a new password with the emailed token, then log in.
 * The token rides in the fragment, which browsers never send to a server; the page keeps
 * it in state and takes it out of the address bar (and so out of the history) at once.
 */
export default function ResetPassword() {
  const location = useLocation();
  const navigate = useNavigate();
  const [token, setToken] = useState(() => tokenFrom(location.hash));

  useEffect(() => {
    if (!location.hash) return;
    // A link opened on this very page changes only the fragment: it brings its own token.
    const fromLink = tokenFrom(location.hash);
    if (fromLink) setToken(fromLink);
    navigate({ pathname: location.pathname, search: location.search }, { replace: true, state: location.state });
  }, [location, navigate]);

  return (
    <AuthCard title="Choose a new password" footer={<Link to="/login">Back to log in</Link>}>
      {token ? (
        <ResetForm key={token} token={token} />
      ) : (
        <AskAgain>
          This page needs the link from your password reset email, but this address has no reset token in it.
          Open the link from the email again (all of it), or ask for a new one.
        </AskAgain>
      )}
    </AuthCard>
  );
}
