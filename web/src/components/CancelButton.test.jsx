import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import CancelButton from './CancelButton.jsx';

describe('<CancelButton>', () => {
  it('cancels on click without taking the focus from the field being typed in', async () => {
    const onClick = vi.fn();
    const user = userEvent.setup();
    render(
      <>
        <input aria-label="Name" />
        <CancelButton onClick={onClick} />
      </>,
    );
    screen.getByLabelText('Name').focus();

    expect(fireEvent.mouseDown(screen.getByRole('button', { name: 'Cancel' }))).toBe(false);
    await user.click(screen.getByRole('button', { name: 'Cancel' }));

    expect(onClick).toHaveBeenCalledTimes(1);
    expect(screen.getByLabelText('Name')).toHaveFocus();
  });
});
