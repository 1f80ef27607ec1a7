import { useState } from 'react';
import Button from 'react-bootstrap/Button';
import Card from 'react-bootstrap/Card';
import Form from 'react-bootstrap/Form';
import Spinner from 'react-bootstrap/Spinner';
import { Link, useNavigate } from 'react-router-dom';
import api from '../api/client.js';
import ErrorAlert from '../components/ErrorAlert.jsx';
import Field from '../components/Field.jsx';
import { fieldError, validateEmail, validatePassword } from '../validation.js';

/** /signup: create an account, then go to /login with a notice. */
export default function Signup() {
  const navigate = useNavigate();
  const [values, setValues] = useState({ email: '', password: '' });
  const [touched, setTouched] = useState({});
  const [serverErrors, setServerErrors] = useState({});
  const [error, setError] = useState(null);
  const [submitting, setSubmitting] = useState(false);

  const localErrors = {
    email: validateEmail(values.email),
    password: validatePassword(values.password),
  };
  const messageFor = (field) =>
    (touched[field] && localErrors[field]) || fieldError(serverErrors, field);

  function change(event) {
    const { name, value } = event.target;
    setValues((current) => ({ ...current, [name]: value }));
    // The API's verdict was about the old value.
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
    setSubmitting(true);
    setError(null);
    try {
      const email = values.email.trim();
      await api.signup(email, values.password);
      navigate('/login', {
        replace: true,
        state: { notice: 'Your account is ready. Log in to start your collection.', email },
      });
    } catch (err) {
      setServerErrors(err.errors || {});
      setError(err);
      setSubmitting(false);
    }
  }

  const shownElsewhere = error && (fieldError(error.errors, 'email') || fieldError(error.errors, 'password'));

  return (
    <div className="mx-auto" style={{ maxWidth: 420 }}>
      <Card className="shadow-sm">
        <Card.Body className="p-4">
          <h1 className="h4 mb-3">Create an account</h1>
          {error && !shownElsewhere && <ErrorAlert error={error} />}
          <Form noValidate onSubmit={handleSubmit} aria-label="Sign up">
            <Field
              id="signup-email"
              label="Email"
              type="email"
              name="email"
              autoComplete="email"
              value={values.email}
              onChange={change}
              onBlur={blur}
              error={messageFor('email')}
              required
              autoFocus
            />
            <Field
              id="signup-password"
              label="Password"
              type="password"
              name="password"
              autoComplete="new-password"
              value={values.password}
              onChange={change}
              onBlur={blur}
              error={messageFor('password')}
              help="At least 8 characters and at most 72 bytes."
              required
            />
            <div className="d-grid">
              <Button type="submit" disabled={submitting}>
                {submitting && <Spinner animation="border" size="sm" className="me-2" aria-hidden="true" />}
                Sign up
              </Button>
            </div>
          </Form>
        </Card.Body>
      </Card>
      <p className="text-center mt-3">
        Already have an account? <Link to="/login">Log in</Link>
      </p>
    </div>
  );
}
