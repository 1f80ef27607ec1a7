import Field from './Field.jsx';

/** The required "Email" field of the account forms; other props go to <Field>. */
export default function EmailField({ autoComplete = 'email', ...fieldProps }) {
  return <Field label="Email" type="email" autoComplete={autoComplete} required {...fieldProps} />;
}
