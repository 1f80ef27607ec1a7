import { useState } from 'react';
import Alert from 'react-bootstrap/Alert';
import Form from 'react-bootstrap/Form';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { useAuth } from '../auth/AuthProvider.jsx';
import AuthCard from '../components/AuthCard.jsx';
import EmailField from '../components/EmailField.jsx';
import ErrorAlert from '../components/ErrorAlert.jsx';
import { PasswordField } from '../components/PasswordFields.jsx';
import SubmitButton from '../components/SubmitButton.jsx';
import useApiForm from '../hooks/useApiForm.js';

/** Where to go after logging in: the private page first asked for, else /private. */
function destination(state) {
  const from = state && state.from;
  if (from && typeof from.pathname === 'string' && from.pathname.startsWith('/') && from.pathname !== '/login') {
    return `${from.pathname}${from.search || ''}${from.hash || ''}`;
  }
  return '/private';
}

/** /login: trade email and password for a browser session, then continue where the person was going. */
export default function Login() {
  const { signin } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const state = location.state || {};
  // Only whether a field is empty is checked, and only on submit: the API judges the rest.
  const [missing, setMissing] = useState({});
  const form = useApiForm({
    initial: { email: state.email || '', password: '' },
    submit: async (values) => {
      const me = await signin(values.email.trim(), values.password);
      if (!me) throw new Error('We could not confirm your session. Please try logging in again.');
      navigate(destination(state), { replace: true });
    },
    navigatesAway: true,
  });
  const { email, password } = form.values;
  const error = form.error;

  function handleSubmit(event) {
    const empty = { email: !email.trim(), password: !password };
    setMissing(empty);
    if (empty.email || empty.password) event.preventDefault();
    else form.handleSubmit(event);
  }

  return (
    <AuthCard
      title="Log in"
      notices={
        <>
          {state.notice && !error && (
            <Alert variant="success" data-testid="login-notice">
              {state.notice}
            </Alert>
          )}
          {state.from && !state.notice && !error && <Alert variant="info">Log in to see that page.</Alert>}
        </>
      }
      footer={
        <>
          New here? <Link to="/signup">Create an account</Link>
        </>
      }
    >
      <ErrorAlert error={error} />
      <Form noValidate onSubmit={handleSubmit} aria-label="Log in">
        <EmailField
          id="login-email"
          {...form.field('email')}
          error={missing.email && 'Enter your email address.'}
          autoFocus={!state.email}
        />
        <PasswordField
          id="login-password"
          label="Password"
          {...form.field('password')}
          error={missing.password && 'Enter your password.'}
          autoFocus={Boolean(state.email)}
        />
        <div className="d-grid">
          <SubmitButton busy={form.submitting}>Log in</SubmitButton>
        </div>
      </Form>
      <p className="text-center small mt-3 mb-0">
        <Link to="/forgot-password" state={email.trim() ? { email: email.trim() } : undefined}>
          Forgot your password?
        </Link>
      </p>
    </AuthCard>
  );
}
