import { useEffect } from 'react';
import Alert from 'react-bootstrap/Alert';
import Button from 'react-bootstrap/Button';
import Form from 'react-bootstrap/Form';
import Field from './Field.jsx';
import CancelButton from './CancelButton.jsx';
import SubmitButton from './SubmitButton.jsx';
import useApiForm from '../hooks/useApiForm.js';
import { REVIEW_MAX, validateReview } from '../validation.js';

/** What a refused review means for the person writing it. */
export function reviewProblem(error) {
  if (error.status === 409) return 'You have already reviewed this movie: change that review instead.';
  if (error.status === 412) {
    return 'Someone changed this review meanwhile. Reload it to see the latest version, then make your changes again.';
  }
  return error.message;
}

/**
 * A review's text, written anew or rewritten: `initial` is the text to start from (the form
 * starts again when it changes), `onSave(body)` talks to the API and its refusal is explained
 * here; `onCancel` and, after a 412, `onReload` are offered when given; `autoFocus` puts the
 * cursor in the text (for an edit opened by a button).
 */
export default function ReviewForm({ id, label, initial = '', submitLabel, onSave, onCancel, onReload, autoFocus }) {
  const form = useApiForm({
    initial: { body: initial },
    validate: (values) => ({ body: validateReview(values.body) }),
    submit: (values) => onSave(values.body.trim()),
  });
  const { reset } = form;
  useEffect(() => reset({ body: initial }), [initial, reset]);

  const problem = form.generalError;
  return (
    <Form noValidate onSubmit={form.handleSubmit}>
      {problem && (
        <Alert variant={[409, 412].includes(problem.status) ? 'warning' : 'danger'} data-testid="review-problem">
          <p className="mb-0">{reviewProblem(problem)}</p>
          {problem.status === 412 && onReload && (
            <Button variant="warning" size="sm" className="mt-2" onClick={onReload}>
              Reload review
            </Button>
          )}
        </Alert>
      )}
      <Field
        id={id}
        label={label}
        as="textarea"
        rows={4}
        autoFocus={autoFocus}
        {...form.field('body')}
        help={`Up to ${REVIEW_MAX.toLocaleString('en')} characters.`}
      />
      <div className="d-flex gap-2">
        <SubmitButton busy={form.submitting} disabled={Boolean(problem && problem.status === 412)}>
          {submitLabel}
        </SubmitButton>
        {onCancel && (
          <CancelButton onClick={onCancel} disabled={form.submitting} />
        )}
      </div>
    </Form>
  );
}
