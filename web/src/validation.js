/**
 * Client-side checks that mirror the API's rules, so people see problems
 * before a round trip. The API stays the authority; its errors are shown too.
 */

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const PASSWORD_MIN_CHARS = 8;
// The API hashes SHA-256 of the password with bcrypt, so any length counts in full; it caps
// passwords at 256 characters (code points) only to keep requests small.
export const PASSWORD_MAX_CHARS = 256;
export const MOVIE_NAME_MAX = 200;
export const YEAR_MIN = 1878;
export const RUNTIME_MAX = 1000;
export const OVERVIEW_MAX = 2000;
export const REVIEW_MAX = 5000;
export const DISPLAY_NAME_MAX = 50;

/** The latest release year the API takes: ten years from now. */
export function yearMax(now = new Date()) {
  return now.getFullYear() + 10;
}

/** `text` as a whole number from `min` to `max`, else null (empty, a fraction, out of range). */
export function wholeNumber(text, min, max) {
  const trimmed = String(text ?? '').trim();
  if (!/^\d+$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return value >= min && value <= max ? value : null;
}

/** A release year typed into a form: null when it is empty or fine, else what is wrong. */
export function validateYear(text) {
  if (!String(text).trim()) return null;
  if (wholeNumber(text, YEAR_MIN, yearMax()) === null) return `Enter a year from ${YEAR_MIN} to ${yearMax()}.`;
  return null;
}

export function validateEmail(email) {
  if (!email.trim()) return 'Enter your email address.';
  if (!EMAIL_RE.test(email.trim())) return 'Enter a valid email address, like name@example.com.';
  return null;
}

export function validatePassword(password) {
  if (!password) return 'Enter a password.';
  // Count code points, not UTF-16 units, as the API does: an emoji is one character.
  const length = [...password].length;
  if (length < PASSWORD_MIN_CHARS) {
    return `Use at least ${PASSWORD_MIN_CHARS} characters.`;
  }
  if (length > PASSWORD_MAX_CHARS) {
    return `Use at most ${PASSWORD_MAX_CHARS} characters.`;
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
export function validateMovie({ name, casts, genres, year = '', runtime_minutes: runtime = '', overview = '' }) {
  const errors = {};
  const trimmed = name.trim();
  if (!trimmed) errors.name = 'Enter the movie name.';
  else if ([...trimmed].length > MOVIE_NAME_MAX) errors.name = `Keep the name under ${MOVIE_NAME_MAX + 1} characters.`;
  if (splitList(casts).length === 0) errors.casts = 'Add at least one cast member.';
  if (splitList(genres).length === 0) errors.genres = 'Add at least one genre.';
  const badYear = validateYear(year);
  if (badYear) errors.year = badYear;
  if (runtime.trim() && wholeNumber(runtime, 1, RUNTIME_MAX) === null) {
    errors.runtime_minutes = `Enter the runtime in whole minutes, from 1 to ${RUNTIME_MAX}.`;
  }
  if ([...overview].length > OVERVIEW_MAX) errors.overview = `Keep the overview under ${OVERVIEW_MAX + 1} characters.`;
  return errors;
}

/** A review being written: null when it can be sent, else what is wrong. */
export function validateReview(body) {
  const trimmed = body.trim();
  if (!trimmed) return 'Write something first.';
  if ([...trimmed].length > REVIEW_MAX) return `Keep it under ${REVIEW_MAX + 1} characters.`;
  return null;
}

/** A display name being chosen: null when it can be sent, else what is wrong. */
export function validateDisplayName(name) {
  const trimmed = name.trim();
  if (!trimmed) return 'Enter the name others should see.';
  if ([...trimmed].length > DISPLAY_NAME_MAX) return `Use at most ${DISPLAY_NAME_MAX} characters.`;
  return null;
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
