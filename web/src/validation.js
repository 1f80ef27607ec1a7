/**
 * Client-side checks that mirror the API's rules, so people see problems
 * before a round trip. The API stays the authority; its errors are shown too.
 */

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const PASSWORD_MIN_CHARS = 8;
// bcrypt only looks at the first 72 bytes, so the API refuses anything longer.
export const PASSWORD_MAX_BYTES = 72;
export const MOVIE_NAME_MAX = 200;

/** Size of `text` once encoded as UTF-8, which is what bcrypt counts. */
export function utf8Length(text) {
  return new TextEncoder().encode(text).length;
}

export function validateEmail(email) {
  if (!email.trim()) return 'Enter your email address.';
  if (!EMAIL_RE.test(email.trim())) return 'Enter a valid email address, like name@example.com.';
  return null;
}

export function validatePassword(password) {
  if (!password) return 'Enter a password.';
  // Count code points, not UTF-16 units, so an emoji is one character.
  if ([...password].length < PASSWORD_MIN_CHARS) {
    return `Use at least ${PASSWORD_MIN_CHARS} characters.`;
  }
  if (utf8Length(password) > PASSWORD_MAX_BYTES) {
    return `Use at most ${PASSWORD_MAX_BYTES} bytes (accented letters and emoji count as 2–4 each).`;
  }
  return null;
}

/** The "type it again" field of a new password. */
export function validateConfirmation(password, confirmation) {
  if (!confirmation) return 'Enter the new password again.';
  if (confirmation !== password) return 'The two passwords do not match.';
  return null;
}

/** "a, b ,, c" -> ["a", "b", "c"] */
export function splitList(text) {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** Returns {field: message} for a movie form's values; empty when valid. */
export function validateMovie({ name, casts, genres }) {
  const errors = {};
  const trimmed = name.trim();
  if (!trimmed) errors.name = 'Enter the movie name.';
  else if ([...trimmed].length > MOVIE_NAME_MAX) errors.name = `Keep the name under ${MOVIE_NAME_MAX + 1} characters.`;
  if (splitList(casts).length === 0) errors.casts = 'Add at least one cast member.';
  if (splitList(genres).length === 0) errors.genres = 'Add at least one genre.';
  return errors;
}

/** Flattens the API's `errors[field]` (a list, or nested per list item) into one sentence. */
export function fieldError(errors, field) {
  const value = errors && errors[field];
  if (!value) return null;
  const flat = [];
  const walk = (item) => {
    if (Array.isArray(item)) item.forEach(walk);
    else if (item && typeof item === 'object') Object.values(item).forEach(walk);
    else if (item) flat.push(String(item));
  };
  walk(value);
  return flat.join(' ') || null;
}
