import { useEffect } from 'react';
import Alert from 'react-bootstrap/Alert';
import Form from 'react-bootstrap/Form';
import Modal from 'react-bootstrap/Modal';
import EmailField from './EmailField.jsx';
import PasswordFields, { PASSWORD_HELP } from './PasswordFields.jsx';
import CancelButton from './CancelButton.jsx';
import SubmitButton from './SubmitButton.jsx';
import useApiForm, { anyMessage } from '../hooks/useApiForm.js';
import { validateEmail, validatePassword } from '../validation.js';

const EMPTY = { email: '', password: '', is_admin: false };

/**
 * The admins' "create a user" dialog. `onSave({email, password, is_admin})`
 * talks to the API; when it rejects, field errors land next to the fields.
 */
export default function UserFormModal({ show, onSave, onHide }) {
  const form = useApiForm({
    initial: EMPTY,
    validate: (values) => ({
      // validateEmail speaks to the account's owner ("your"); here an admin types someone else's.
      email: values.email.trim() ? validateEmail(values.email) : 'Enter their email address.',
      password: validatePassword(values.password),
    }),
    submit: (values) => onSave({ email: values.email.trim(), password: values.password, is_admin: values.is_admin }),
  });
  const { reset } = form;

  useEffect(() => {
    if (show) reset(EMPTY);
  }, [show, reset]);

  return (
    <Modal show={show} onHide={onHide} centered fullscreen="sm-down" aria-labelledby="user-form-title">
      <Form noValidate onSubmit={form.handleSubmit} aria-label="Create a user">
        <Modal.Header closeButton>
          <Modal.Title id="user-form-title" as="h2" className="h5">
            Create a user
          </Modal.Title>
        </Modal.Header>
        <Modal.Body>
          {form.error && !anyMessage(form.fieldErrors) && <Alert variant="danger">{form.error.message}</Alert>}
          <EmailField id="user-email" autoComplete="off" {...form.field('email')} autoFocus />
          <PasswordFields
            form={form}
            id="user-password"
            label="Password"
            help={`${PASSWORD_HELP} Tell it to the person; they can change it on their account page.`}
          />
          <Form.Check
            id="user-is-admin"
            name="is_admin"
            label="Admin: can manage every user and every movie"
            checked={form.values.is_admin}
            onChange={form.change}
            isInvalid={Boolean(form.fieldErrors.is_admin)}
            feedback={form.fieldErrors.is_admin}
            feedbackType="invalid"
          />
        </Modal.Body>
        <Modal.Footer>
          <CancelButton onClick={onHide} disabled={form.submitting} />
          <SubmitButton variant="primary" busy={form.submitting}>
            Create user
          </SubmitButton>
        </Modal.Footer>
      </Form>
    </Modal>
  );
}
