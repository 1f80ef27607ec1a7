import Form from 'react-bootstrap/Form';
import { Link, useNavigate } from 'react-router-dom';
import api from '../api/client.js';
import AuthCard from '../components/AuthCard.jsx';
import DisplayNameField from '../components/DisplayNameField.jsx';
import EmailField from '../components/EmailField.jsx';
import ErrorAlert from '../components/ErrorAlert.jsx';
import PasswordFields from '../components/PasswordFields.jsx';
import SubmitButton from '../components/SubmitButton.jsx';
import useApiForm from '../hooks/useApiForm.js';
import { validateDisplayName, validateEmail, validatePassword } from '../validation.js';

/** /signup: create an account with the name others will see, then go to /login with a notice. */
export default function Signup() {
  const navigate = useNavigate();
  const form = useApiForm({
    initial: { display_name: '', email: '', password: '' },
    validate: (values) => ({
      display_name: validateDisplayName(values.display_name),
      email: validateEmail(values.email),
      password: validatePassword(values.password),
    }),
    submit: async (values) => {
      const email = values.email.trim();
      await api.signup(email, values.password, values.display_name.trim());
      navigate('/login', {
        replace: true,
        state: { notice: 'Your account is ready. Log in to start your collection.', email },
      });
    },
    navigatesAway: true,
  });

  return (
    <AuthCard
      title="Create an account"
      footer={
        <>
          Already have an account? <Link to="/login">Log in</Link>
        </>
      }
    >
      <ErrorAlert error={form.generalError} />
      <Form noValidate onSubmit={form.handleSubmit} aria-label="Sign up">
        <DisplayNameField
          id="signup-display-name"
          help="What others see beside your reviews, never your email: "
          {...form.field('display_name')}
          autoFocus
          required
        />
        <EmailField id="signup-email" {...form.field('email')} />
        <PasswordFields form={form} id="signup-password" label="Password" />
        <div className="d-grid">
          <SubmitButton busy={form.submitting}>Sign up</SubmitButton>
        </div>
      </Form>
    </AuthCard>
  );
}
