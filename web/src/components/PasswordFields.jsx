import Field from './Field.jsx';
import { PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS } from '../validation.js';

export const PASSWORD_HELP = `At least ${PASSWORD_MIN_CHARS} characters and at most ${PASSWORD_MAX_CHARS}.`;

/** A required password input; by default the person's current password. Other props go to <Field>. */
export function PasswordField({ autoComplete = 'current-password', ...fieldProps }) {
  return <Field type="password" autoComplete={autoComplete} required {...fieldProps} />;
}

/**
 * A password being chosen, with the API's limits as help, and, when
 * `confirmName` is given, the same password again to confirm it. `form` is a
 * useApiForm result; `name` and `confirmName` are its fields.
 */
export default function PasswordFields({
  form,
  id,
  name = 'password',
  label = 'New password',
  help = PASSWORD_HELP,
  confirmId,
  confirmName,
  autoFocus,
}) {
  return (
    <>
      <PasswordField
        id={id}
        label={label}
        autoComplete="new-password"
        {...form.field(name)}
        help={help}
        autoFocus={autoFocus}
      />
      {confirmName && (
        <PasswordField
          id={confirmId}
          label="Confirm new password"
          autoComplete="new-password"
          {...form.field(confirmName)}
        />
      )}
    </>
  );
}
