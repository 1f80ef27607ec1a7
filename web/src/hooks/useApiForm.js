import { useCallback, useState } from 'react';
import { fieldError } from '../validation.js';

const NO_LOCAL_ERRORS = () => ({});

/** True when any value of `messages` is a message. */
export function anyMessage(messages) {
  return Object.values(messages).some(Boolean);
}

/**
 * The state of a form that the API answers: values, client-side checks shown
 * once a field has been left (or the form submitted), the API's field errors
 * next to their fields, the rest of a failure as one general error, and
 * whether a submit is on its way.
 *
 * - `initial`: the starting values; its keys are the form's fields.
 * - `validate(values)`: `{field: message}`, the API's rules checked locally;
 *   a message blocks the submit.
 * - `submit(values)`: does the API call; a rejection is the failure shown.
 * - `mapErrors(error)`: `{field: message}` for the form's fields; by default
 *   the API's `errors[field]` for each field of `initial`.
 * - `navigatesAway`: `submit` leaves the page when it succeeds, so the form
 *   stays busy (its button disabled) until the page is gone.
 *
 * Returns `field(name)`, the props a <Field> needs, and the pieces to build
 * anything else: `values`, `change`, `blur`, `messageFor`, `fieldErrors`,
 * `error` (the last failure), `generalError` (that failure unless it was
 * shown on a field), `submitting`, `handleSubmit` and `reset(values)`.
 */
export default function useApiForm({
  initial,
  validate = NO_LOCAL_ERRORS,
  submit,
  mapErrors,
  navigatesAway = false,
}) {
  const [values, setValues] = useState(initial);
  const [touched, setTouched] = useState({});
  const [fieldErrors, setFieldErrors] = useState({});
  const [error, setError] = useState(null);
  const [submitting, setSubmitting] = useState(false);

  const fields = Object.keys(values);
  const toFieldErrors =
    mapErrors || ((err) => Object.fromEntries(fields.map((name) => [name, fieldError(err.errors, name)])));
  const localErrors = validate(values);

  const messageFor = (name) => (touched[name] && localErrors[name]) || fieldErrors[name] || null;

  function change(event) {
    const { name, value, type, checked } = event.target;
    setValues((current) => ({ ...current, [name]: type === 'checkbox' ? checked : value }));
    // The API's verdict was about the old value.
    setFieldErrors((current) => ({ ...current, [name]: undefined }));
  }

  function blur(event) {
    const { name } = event.target;
    setTouched((current) => ({ ...current, [name]: true }));
  }

  async function handleSubmit(event) {
    event.preventDefault();
    setTouched(Object.fromEntries(fields.map((name) => [name, true])));
    if (anyMessage(localErrors)) return;
    setSubmitting(true);
    setError(null);
    try {
      await submit(values);
    } catch (err) {
      setFieldErrors(toFieldErrors(err));
      setError(err);
      setSubmitting(false);
      return;
    }
    if (!navigatesAway) setSubmitting(false);
  }

  const reset = useCallback((next) => {
    setValues(next);
    setTouched({});
    setFieldErrors({});
    setError(null);
  }, []);

  const field = (name) => ({
    name,
    value: values[name],
    onChange: change,
    onBlur: blur,
    error: messageFor(name),
  });

  const generalError = error && !anyMessage(toFieldErrors(error)) ? error : null;

  return {
    values,
    change,
    blur,
    field,
    messageFor,
    fieldErrors,
    error,
    generalError,
    submitting,
    handleSubmit,
    reset,
  };
}
