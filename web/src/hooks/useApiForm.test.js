import { act, renderHook } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client.js';
import useApiForm from './useApiForm.js';

const typed = (name, value) => ({ target: { name, value } });
const left = (name) => ({ target: { name } });
const submitEvent = () => ({ preventDefault: vi.fn() });

const required = (values) => ({ email: values.email ? null : 'Enter your email address.' });

function setup(options = {}) {
  return renderHook(() => useApiForm({ initial: { email: '' }, validate: required, submit: vi.fn(), ...options }));
}

/** Submits the form and waits for the submit to settle. */
async function submit(result) {
  const event = submitEvent();
  await act(() => result.current.handleSubmit(event));
  return event;
}

/** A promise with its resolve and reject, to hold a submit in flight. */
function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('useApiForm', () => {
  it('gives a <Field> its name, value, handlers and message', () => {
    const { result } = setup({ initial: { email: 'me@example.com' } });

    expect(result.current.field('email')).toEqual({
      name: 'email',
      value: 'me@example.com',
      onChange: result.current.change,
      onBlur: result.current.blur,
      error: null,
    });
  });

  it('keeps a local problem quiet until the field is left', () => {
    const { result } = setup();

    expect(result.current.messageFor('email')).toBeNull();
    act(() => result.current.blur(left('email')));
    expect(result.current.messageFor('email')).toBe('Enter your email address.');
    act(() => result.current.change(typed('email', 'me@example.com')));
    expect(result.current.messageFor('email')).toBeNull();
  });

  it('shows every local problem on submit and sends nothing', async () => {
    const send = vi.fn();
    const { result } = setup({ submit: send });

    const event = await submit(result);

    expect(event.preventDefault).toHaveBeenCalled();
    expect(result.current.messageFor('email')).toBe('Enter your email address.');
    expect(send).not.toHaveBeenCalled();
    expect(result.current.submitting).toBe(false);
  });

  it('sends the values and is busy until the API answers', async () => {
    const answer = deferred();
    const send = vi.fn(() => answer.promise);
    const { result } = setup({ initial: { email: 'me@example.com' }, submit: send });

    let pending;
    act(() => {
      pending = result.current.handleSubmit(submitEvent());
    });
    expect(send).toHaveBeenCalledWith({ email: 'me@example.com' });
    expect(result.current.submitting).toBe(true);

    await act(async () => {
      answer.resolve();
      await pending;
    });
    expect(result.current.submitting).toBe(false);
    expect(result.current.error).toBeNull();
  });

  it('stays busy after a submit that navigates away', async () => {
    const { result } = setup({ initial: { email: 'me@example.com' }, navigatesAway: true });

    await submit(result);

    expect(result.current.submitting).toBe(true);
  });

  it("puts the API's errors next to their fields, not in the general error", async () => {
    const failure = new ApiError('The request body is invalid.', {
      status: 400,
      errors: { email: ['Not a valid email address.', 'Too long.'] },
    });
    const { result } = setup({ initial: { email: 'me@example.com' }, submit: vi.fn().mockRejectedValue(failure) });

    await submit(result);

    expect(result.current.messageFor('email')).toBe('Not a valid email address. Too long.');
    expect(result.current.fieldErrors).toEqual({ email: 'Not a valid email address. Too long.' });
    expect(result.current.error).toBe(failure);
    expect(result.current.generalError).toBeNull();
    expect(result.current.submitting).toBe(false);
  });

  it("forgets a field's API error once the field changes", async () => {
    const failure = new ApiError('Taken.', { status: 409, errors: { email: ['Already registered.'] } });
    const { result } = setup({ initial: { email: 'me@example.com' }, submit: vi.fn().mockRejectedValue(failure) });
    await submit(result);

    act(() => result.current.change(typed('email', 'you@example.com')));

    expect(result.current.messageFor('email')).toBeNull();
    expect(result.current.fieldErrors.email).toBeUndefined();
  });

  it('makes a failure about no field the general error', async () => {
    const failure = new ApiError('Too many attempts; try again in 17 seconds.', { status: 429 });
    const { result } = setup({ initial: { email: 'me@example.com' }, submit: vi.fn().mockRejectedValue(failure) });

    await submit(result);

    expect(result.current.generalError).toBe(failure);
    expect(result.current.messageFor('email')).toBeNull();
  });

  it('maps errors with mapErrors when the API names the fields differently', async () => {
    const failure = new ApiError('Invalid.', { status: 400, errors: { new_password: ['Too common.'] } });
    const { result } = setup({
      initial: { next: 'password1234' },
      validate: () => ({}),
      submit: vi.fn().mockRejectedValue(failure),
      mapErrors: (err) => ({ next: err.errors.new_password[0] }),
    });

    await submit(result);

    expect(result.current.messageFor('next')).toBe('Too common.');
    expect(result.current.generalError).toBeNull();
  });

  it('reads a checkbox as true or false', () => {
    const { result } = setup({ initial: { email: '', is_admin: false } });

    act(() => result.current.change({ target: { name: 'is_admin', type: 'checkbox', checked: true, value: 'on' } }));

    expect(result.current.values.is_admin).toBe(true);
  });

  it('reset starts over: new values, nothing touched, no errors', async () => {
    const failure = new ApiError('Nope.', { status: 500 });
    const { result } = setup({ initial: { email: 'x' }, submit: vi.fn().mockRejectedValue(failure) });
    act(() => result.current.blur(left('email')));
    await submit(result);
    const { reset } = result.current;

    act(() => result.current.reset({ email: '' }));

    expect(result.current.values).toEqual({ email: '' });
    expect(result.current.messageFor('email')).toBeNull();
    expect(result.current.error).toBeNull();
    expect(result.current.reset).toBe(reset);
  });
});
