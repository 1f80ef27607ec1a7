import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import StarRating from './StarRating.jsx';

function setup(value = null) {
  const onRate = vi.fn();
  const onClear = vi.fn();
  const user = userEvent.setup();
  const utils = render(<StarRating legend="Your rating" value={value} onRate={onRate} onClear={onClear} status="" />);
  const group = screen.getByRole('group', { name: 'Your rating' });
  const filled = () => group.querySelectorAll('svg.star-filled').length;
  return { onRate, onClear, user, group, filled, ...utils };
}

describe('<StarRating>', () => {
  it('is a fieldset with a legend and ten labelled radios sharing one name', () => {
    const { group } = setup(3);

    expect(group.tagName).toBe('FIELDSET');
    const radios = within(group).getAllByRole('radio');
    expect(radios.map((radio) => radio.labels[0].textContent)).toEqual([
      '1 star', '2 stars', '3 stars', '4 stars', '5 stars', '6 stars', '7 stars', '8 stars', '9 stars', '10 stars',
    ]);
    expect(new Set(radios.map((radio) => radio.name)).size).toBe(1);
    expect(within(group).getByRole('radio', { name: '3 stars' })).toBeChecked();
  });

  it('fills the stars up to the score, and previews the score under the mouse', async () => {
    const { user, group, filled } = setup(3);

    expect(filled()).toBe(3);
    await user.hover(within(group).getByText('7 stars').closest('label'));
    expect(filled()).toBe(7);
    await user.unhover(group.querySelector('.star-rating-stars'));
    expect(filled()).toBe(3);
  });

  it('reports the score picked with the keyboard: Tab in, then the arrow keys', async () => {
    const { user, onRate } = setup(5);

    await user.tab();
    expect(screen.getByRole('radio', { name: '5 stars' })).toHaveFocus();
    await user.keyboard('{ArrowRight}');

    expect(onRate).toHaveBeenLastCalledWith(6);
  });

  it('offers Clear only when there is a score', async () => {
    const { user, onClear, rerender } = setup(null);
    expect(screen.getByRole('button', { name: 'Clear my rating' })).toBeDisabled();

    rerender(<StarRating legend="Your rating" value={2} onRate={vi.fn()} onClear={onClear} status="" />);
    await user.click(screen.getByRole('button', { name: 'Clear my rating' }));

    expect(onClear).toHaveBeenCalledTimes(1);
  });
});
