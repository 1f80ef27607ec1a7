import Alert from 'react-bootstrap/Alert';
import Form from 'react-bootstrap/Form';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import api, { session } from '../api/client.js';
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

/** /reset-password?token=...: choose a new password with the emailed token, then log in. */
export default function ResetPassword() {
  const [params] = useSearchParams();
  const token = (params.get('token') || '').trim();
  const navigate = useNavigate();
  const { forgetSession } = useAuth();
  const form = useApiForm({
    initial: { password: '', confirm: '' },
    validate: (values) => ({
      password: validatePassword(values.password),
      confirm: validateConfirmation(values.password, values.confirm),
    }),
    submit: async (values) => {
      await api.resetPassword(token, values.password);
      // The API has ended every session of the account, this tab's included.
      if (session.hasTokens) forgetSession();
      navigate('/login', { replace: true, state: { notice: RESET_DONE_NOTICE } });
    },
    navigatesAway: true,
  });

  const badToken = tokenProblem(form.error);

  return (
    <AuthCard
      title="Choose a new password"
      footer={
        <Link to="/login">Back to log in</Link>
      }
    >
      {!token ? (
        <AskAgain>
          This page needs the link from your password reset email, but this address has no reset token in it.
          Open the link from the email again (all of it), or ask for a new one.
        </AskAgain>
      ) : badToken ? (
        <AskAgain>{badToken}</AskAgain>
      ) : (
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
      )}
    </AuthCard>
  );
}
