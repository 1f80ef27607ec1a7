import { useState } from 'react';
import Alert from 'react-bootstrap/Alert';
import Button from 'react-bootstrap/Button';
import Form from 'react-bootstrap/Form';
import { Link, useLocation } from 'react-router-dom';
import api from '../api/client.js';
import AuthCard from '../components/AuthCard.jsx';
import EmailField from '../components/EmailField.jsx';
import ErrorAlert from '../components/ErrorAlert.jsx';
import SubmitButton from '../components/SubmitButton.jsx';
import useApiForm from '../hooks/useApiForm.js';
import { validateEmail } from '../validation.js';

export const FORGOT_CONFIRMATION = 'If that email has an account, a reset link is on its way.';

/**
 * /forgot-password: ask for a reset email. The answer reads the same whether
 * or not the address has an account, so the page cannot be used to probe for
 * accounts.
 */
export default function ForgotPassword() {
  const location = useLocation();
  const [sentTo, setSentTo] = useState(null);
  const form = useApiForm({
    initial: { email: (location.state && location.state.email) || '' },
    validate: (values) => ({ email: validateEmail(values.email) }),
    submit: async (values) => {
      await api.forgotPassword(values.email.trim());
      setSentTo(values.email.trim());
    },
  });

  function startOver() {
    setSentTo(null);
    form.reset(form.values);
  }

  return (
    <AuthCard
      title="Reset your password"
      footer={
        <>
          Remembered it? <Link to="/login">Log in</Link>
        </>
      }
    >
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
          <ErrorAlert error={form.generalError} />
          <Form noValidate onSubmit={form.handleSubmit} aria-label="Reset your password">
            <EmailField id="forgot-email" {...form.field('email')} autoFocus />
            <div className="d-grid">
              <SubmitButton busy={form.submitting}>Send reset link</SubmitButton>
            </div>
          </Form>
        </>
      )}
    </AuthCard>
  );
}
