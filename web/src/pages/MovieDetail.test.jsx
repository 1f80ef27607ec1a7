import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ALICE, BOB, json, mockFetch, movie, storeTokens } from '../test/fetchMock.js';
import { renderApp } from '../test/renderApp.jsx';

const HEAT = movie();

function showAs(user) {
  if (user) storeTokens();
  return mockFetch({
    'GET /api/auth/me': () => json(200, user),
    [`GET /api/movies/${HEAT.id}`]: () => json(200, HEAT, { ETag: '"v1"' }),
    [`DELETE /api/movies/${HEAT.id}`]: () => json(204),
    'GET /api/movies': () => json(200, [], { 'X-Total-Count': '0' }),
  });
}

describe('<MovieDetail>', () => {
  it("shows the movie's details", async () => {
    showAs(null);

    renderApp(`/movies/${HEAT.id}`);

    expect(await screen.findByRole('heading', { name: 'Heat' })).toBeVisible();
    expect(screen.getByText('Robert De Niro')).toBeVisible();
    expect(screen.getByText('Thriller')).toBeVisible();
  });

  it.each([
    ['a visitor', null],
    ['another user', BOB],
  ])('hides Edit and Delete from %s', async (_, user) => {
    showAs(user);

    renderApp(`/movies/${HEAT.id}`);

    await screen.findByRole('heading', { name: 'Heat' });
    expect(screen.queryByRole('button', { name: 'Edit' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Delete' })).not.toBeInTheDocument();
  });

  it.each([
    ['its owner', ALICE],
    ['an admin', { ...BOB, is_admin: true }],
  ])('shows Edit and Delete to %s', async (_, user) => {
    showAs(user);

    renderApp(`/movies/${HEAT.id}`);

    expect(await screen.findByRole('button', { name: 'Edit' })).toBeVisible();
    expect(screen.getByRole('button', { name: 'Delete' })).toBeVisible();
  });

  it('deletes and returns to My movies', async () => {
    const mock = showAs(ALICE);
    const { user } = renderApp(`/movies/${HEAT.id}`);

    await user.click(await screen.findByRole('button', { name: 'Delete' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Delete' }));

    expect(await screen.findByTestId('notice')).toHaveTextContent('Deleted “Heat”.');
    expect(mock.callsTo(`DELETE /api/movies/${HEAT.id}`)).toHaveLength(1);
  });

  it('says when the movie does not exist', async () => {
    mockFetch({ 'GET /api/movies/nope': () => json(404, { message: 'Movie not found.', status: 404 }) });

    renderApp('/movies/nope');

    expect(await screen.findByText('Movie not found')).toBeVisible();
  });
});
