import Field from './Field.jsx';
import { DISPLAY_NAME_MAX } from '../validation.js';

/** The "Display name" field: the name others and the navbar show, never the email; other props go to <Field>. */
export default function DisplayNameField({ help = '', ...fieldProps }) {
  return (
    <Field
      label="Display name"
      autoComplete="nickname"
      maxLength={DISPLAY_NAME_MAX}
      help={`${help}1 to ${DISPLAY_NAME_MAX} characters.`}
      {...fieldProps}
    />
  );
}
