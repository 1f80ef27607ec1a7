import { useState } from 'react';
import Alert from 'react-bootstrap/Alert';
import Button from 'react-bootstrap/Button';
import Card from 'react-bootstrap/Card';
import Form from 'react-bootstrap/Form';
import Spinner from 'react-bootstrap/Spinner';
import { Link, useLocation } from 'react-router-dom';
import api from '../api/client.js';
import ErrorAlert from '../components/ErrorAlert.jsx';
import Field from '../components/Field.jsx';
import { fieldError, validateEmail } from '../validation.js';

export const FORGOT_CONFIRMATION = 'If that email has an account, a reset link is on its way.';

/**
 * /forgot-password: ask for a reset email. The answer reads the same whether
 * or not the address has an account, so the page cannot be used to probe for
 * accounts.
 */
export default function ForgotPassword() {
  const location = useLocation();
  const [email, setEmail] = useState((location.state && location.state.email) || '');
  const [touched, setTouched] = useState(false);
  const [serverErrors, setServerErrors] = useState({});
  const [error, setError] = useState(null);
  const [submitting, setSubmitting] = useState(false);
  const [sentTo, setSentTo] = useState(null);

  const localError = validateEmail(email);
  const message = (touched && localError) || fieldError(serverErrors, 'email');

  async function handleSubmit(event) {
    event.preventDefault();
    setTouched(true);
    if (localError) return;
    setSubmitting(true);
    setError(null);
    try {
      await api.forgotPassword(email.trim());
      setSentTo(email.trim());
    } catch (err) {
      setServerErrors(err.errors || {});
      setError(err);
    } finally {
      setSubmitting(false);
    }
  }

  function startOver() {
    setSentTo(null);
    setTouched(false);
  }

  return (
    <div className="mx-auto" style={{ maxWidth: 420 }}>
      <Card className="shadow-sm">
        <Card.Body className="p-4">
          <h1 className="h4 mb-3">Reset your password</h1>
          {sentTo ? (
            <>
              <Alert variant="success" data-testid="forgot-confirmation">
                <p className="mb-2">{FORGOT_CONFIRMATION}</p>
                <p className="mb-0 small">
                  You asked for <strong className="text-break">{sentTo}</strong>. The link works once, within an
                  hour. Nothing after a few minutes? Check your spam folder and the spelling of the address.
                </p>
              </Alert>
              <Button variant="outline-secondary" size="sm" onClick={startOver}>
                Use a different email
              </Button>
            </>
          ) : (
            <>
              <p className="text-body-secondary">
                Enter the email you signed up with and we&apos;ll send you a link to choose a new password.
              </p>
              {error && !fieldError(error.errors, 'email') && <ErrorAlert error={error} />}
              <Form noValidate onSubmit={handleSubmit} aria-label="Reset your password">
                <Field
                  id="forgot-email"
                  label="Email"
                  type="email"
                  autoComplete="email"
                  value={email}
                  onChange={(event) => {
                    setEmail(event.target.value);
                    setServerErrors({});
                  }}
                  onBlur={() => setTouched(true)}
                  error={message}
                  required
                  autoFocus
                />
                <div className="d-grid">
                  <Button type="submit" disabled={submitting}>
                    {submitting && <Spinner animation="border" size="sm" className="me-2" aria-hidden="true" />}
                    Send reset link
                  </Button>
                </div>
              </Form>
            </>
          )}
        </Card.Body>
      </Card>
      <p className="text-center mt-3">
        Remembered it? <Link to="/login">Log in</Link>
      </p>
    </div>
  );
}
