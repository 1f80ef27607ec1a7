import { useState } from 'react';
import Alert from 'react-bootstrap/Alert';
import Button from 'react-bootstrap/Button';
import Card from 'react-bootstrap/Card';
import Form from 'react-bootstrap/Form';
import Spinner from 'react-bootstrap/Spinner';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { useAuth } from '../auth/AuthProvider.jsx';
import ErrorAlert from '../components/ErrorAlert.jsx';
import Field from '../components/Field.jsx';

/** Where to go after logging in: the private page first asked for, else /private. */
function destination(state) {
  const from = state && state.from;
  if (from && typeof from.pathname === 'string' && from.pathname.startsWith('/') && from.pathname !== '/login') {
    return `${from.pathname}${from.search || ''}${from.hash || ''}`;
  }
  return '/private';
}

/** /login: trade email and password for tokens, then continue where the person was going. */
export default function Login() {
  const { signin } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const state = location.state || {};
  const [email, setEmail] = useState(state.email || '');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const [submitting, setSubmitting] = useState(false);
  const [missing, setMissing] = useState({});

  async function handleSubmit(event) {
    event.preventDefault();
    const empty = { email: !email.trim(), password: !password };
    setMissing(empty);
    if (empty.email || empty.password) return;
    setSubmitting(true);
    setError(null);
    try {
      const me = await signin(email.trim(), password);
      if (!me) throw new Error('We could not confirm your session. Please try logging in again.');
      navigate(destination(state), { replace: true });
    } catch (err) {
      setError(err);
      setSubmitting(false);
    }
  }

  return (
    <div className="mx-auto" style={{ maxWidth: 420 }}>
      {state.notice && !error && (
        <Alert variant="success" data-testid="login-notice">
          {state.notice}
        </Alert>
      )}
      {state.from && !state.notice && !error && (
        <Alert variant="info">Log in to see that page.</Alert>
      )}
      <Card className="shadow-sm">
        <Card.Body className="p-4">
          <h1 className="h4 mb-3">Log in</h1>
          <ErrorAlert error={error} />
          <Form noValidate onSubmit={handleSubmit} aria-label="Log in">
            <Field
              id="login-email"
              label="Email"
              type="email"
              autoComplete="email"
              value={email}
              onChange={(event) => setEmail(event.target.value)}
              error={missing.email && 'Enter your email address.'}
              required
              autoFocus={!state.email}
            />
            <Field
              id="login-password"
              label="Password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              error={missing.password && 'Enter your password.'}
              required
              autoFocus={Boolean(state.email)}
            />
            <div className="d-grid">
              <Button type="submit" disabled={submitting}>
                {submitting && <Spinner animation="border" size="sm" className="me-2" aria-hidden="true" />}
                Log in
              </Button>
            </div>
          </Form>
        </Card.Body>
      </Card>
      <p className="text-center mt-3">
        New here? <Link to="/signup">Create an account</Link>
      </p>
    </div>
  );
}
