import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ALICE, issued, json, mockFetch, movie, posterUrl, storeSession } from '../test/fetchMock.js';
import { renderApp } from '../test/renderApp.jsx';

const HEAT = movie();

function routes(extra = {}) {
  return {
    'POST /api/auth/session/refresh': issued(),
    'GET /api/auth/me': () => json(200, ALICE),
    'GET /api/movies': () => json(200, [HEAT], { 'X-Total-Count': '1' }),
    [`GET /api/movies/${HEAT.id}`]: () => json(200, HEAT, { ETag: '"v1"' }),
    ...extra,
  };
}

describe('<Private>', () => {
  it("lists the person's own movies", async () => {
    storeSession();
    const mock = mockFetch(routes());

    renderApp('/private');

    const row = await screen.findByTestId('my-movie-row');
    expect(within(row).getByRole('link', { name: 'Heat' })).toHaveAttribute('href', `/movies/${HEAT.id}`);
    expect(mock.callsTo('GET /api/movies')[0].query).toMatchObject({ added_by: ALICE.id });
  });

  it('shows each movie with its poster thumbnail and year, in the column a phone keeps', async () => {
    storeSession();
    const poster = posterUrl('p1', '9f86d081884c7d659a2feaa0c55ad015');
    mockFetch(
      routes({
        'GET /api/movies': () => json(200, [movie({ id: 'p1', poster_url: poster }), movie({ id: 'p2', name: 'Ronin' })], { 'X-Total-Count': '2' }),
      }),
    );

    renderApp('/private');

    const [heat, ronin] = await screen.findAllByTestId('my-movie-row');
    // The name beside it says which movie it is: the thumbnail is decoration to a screen reader.
    const thumb = heat.querySelector('img.table-poster');
    expect(thumb).toHaveAttribute('src', `${poster}&size=thumb`);
    expect(thumb).toHaveAttribute('alt', '');
    expect(thumb.closest('td')).not.toHaveClass('d-none');
    expect(heat).toHaveTextContent('1995');
    expect(ronin.querySelector('.table-poster.poster-placeholder')).toHaveAttribute('aria-hidden', 'true');
  });

  it('adds a movie, sending casts, genres and directors as lists and the numbers as numbers', async () => {
    storeSession();
    const mock = mockFetch(
      routes({ 'POST /api/movies': (call) => json(201, movie({ id: 'new1', ...call.body })) }),
    );
    const { user } = renderApp('/private');
    await screen.findByTestId('my-movie-row');

    await user.click(screen.getByRole('button', { name: '+ Add movie' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText('Name'), 'Ronin');
    await user.type(within(dialog).getByLabelText('Year'), '1998');
    await user.type(within(dialog).getByLabelText('Runtime (minutes)'), '122');
    await user.type(within(dialog).getByLabelText('Directors'), 'John Frankenheimer');
    await user.type(within(dialog).getByLabelText('Cast'), 'Robert De Niro,  Jean Reno, ');
    await user.type(within(dialog).getByLabelText('Genres'), 'Action');
    await user.type(within(dialog).getByLabelText('Overview'), '  A heist in Paris.  ');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    expect(await screen.findByTestId('notice')).toHaveTextContent('Added “Ronin”.');
    expect(mock.callsTo('POST /api/movies')[0].body).toEqual({
      name: 'Ronin',
      year: 1998,
      runtime_minutes: 122,
      directors: ['John Frankenheimer'],
      casts: ['Robert De Niro', 'Jean Reno'],
      genres: ['Action'],
      overview: 'A heist in Paris.',
    });
    expect(mock.callsTo('POST /api/movies')[0].headers.Authorization).toBe('Bearer access-1');
  });

  it('checks the movie form before sending it', async () => {
    storeSession();
    const mock = mockFetch(routes());
    const { user } = renderApp('/private');
    await screen.findByTestId('my-movie-row');

    await user.click(screen.getByRole('button', { name: '+ Add movie' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    expect(within(dialog).getByText('Enter the movie name.')).toBeVisible();
    expect(within(dialog).getByText('Add at least one cast member.')).toBeVisible();
    expect(within(dialog).getByText('Add at least one genre.')).toBeVisible();
    expect(mock.callsTo('POST /api/movies')).toHaveLength(0);
  });

  it('checks the year and the runtime before sending them', async () => {
    storeSession();
    const mock = mockFetch(routes());
    const { user } = renderApp('/private');
    await screen.findByTestId('my-movie-row');

    await user.click(screen.getByRole('button', { name: '+ Add movie' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText('Name'), 'Ronin');
    await user.type(within(dialog).getByLabelText('Year'), '1700');
    await user.type(within(dialog).getByLabelText('Runtime (minutes)'), '0');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    expect(within(dialog).getByText(/^Enter a year from 1878 to \d{4}\.$/)).toBeVisible();
    expect(within(dialog).getByLabelText('Year')).toHaveAttribute('aria-invalid', 'true');
    expect(within(dialog).getByText('Enter the runtime in whole minutes, from 1 to 1000.')).toBeVisible();
    expect(mock.callsTo('POST /api/movies')).toHaveLength(0);
  });

  it('shows no poster part when adding: a poster needs the movie first', async () => {
    storeSession();
    mockFetch(routes());
    const { user } = renderApp('/private');
    await screen.findByTestId('my-movie-row');

    await user.click(screen.getByRole('button', { name: '+ Add movie' }));
    const dialog = await screen.findByRole('dialog');

    expect(within(dialog).queryByLabelText('Upload a new poster')).not.toBeInTheDocument();
  });

  it('shows a duplicate name (409) next to the name field', async () => {
    storeSession();
    mockFetch(
      routes({
        'POST /api/movies': () =>
          json(409, { message: 'A movie with this name exists.', status: 409, errors: { name: ['Already in the catalogue.'] } }),
      }),
    );
    const { user } = renderApp('/private');
    await screen.findByTestId('my-movie-row');

    await user.click(screen.getByRole('button', { name: '+ Add movie' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText('Name'), 'Heat');
    await user.type(within(dialog).getByLabelText('Cast'), 'Al Pacino');
    await user.type(within(dialog).getByLabelText('Genres'), 'Crime');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    expect(await within(dialog).findByText('Already in the catalogue.')).toBeVisible();
    expect(within(dialog).getByLabelText('Name')).toHaveAttribute('aria-invalid', 'true');
  });

  it('edits with If-Match set to the ETag loaded for editing', async () => {
    storeSession();
    const mock = mockFetch(
      routes({
        [`PUT /api/movies/${HEAT.id}`]: (call) => json(200, { ...HEAT, ...call.body }, { ETag: '"v2"' }),
      }),
    );
    const { user } = renderApp('/private');
    await screen.findByTestId('my-movie-row');

    await user.click(screen.getByRole('button', { name: 'Edit Heat' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByLabelText('Cast')).toHaveValue('Al Pacino, Robert De Niro');
    expect(within(dialog).getByLabelText('Year')).toHaveValue(1995);
    expect(within(dialog).getByLabelText('Directors')).toHaveValue('Michael Mann');
    await user.clear(within(dialog).getByLabelText('Name'));
    await user.type(within(dialog).getByLabelText('Name'), 'Heat (1995)');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    expect(await screen.findByTestId('notice')).toHaveTextContent('Saved “Heat (1995)”.');
    const put = mock.callsTo(`PUT /api/movies/${HEAT.id}`)[0];
    expect(put.headers['If-Match']).toBe('"v1"');
    expect(put.body).toEqual({
      name: 'Heat (1995)',
      year: 1995,
      runtime_minutes: 170,
      directors: ['Michael Mann'],
      casts: HEAT.casts,
      genres: HEAT.genres,
      overview: HEAT.overview,
    });
  });

  it('explains a stale edit (412) and reloads the latest version on request', async () => {
    storeSession();
    const changed = { ...HEAT, name: 'Heat (director’s cut)' };
    mockFetch(
      routes({
        [`GET /api/movies/${HEAT.id}`]: [
          () => json(200, HEAT, { ETag: '"v1"' }),
          () => json(200, changed, { ETag: '"v2"' }),
        ],
        [`PUT /api/movies/${HEAT.id}`]: () =>
          json(412, { message: 'The movie has changed since you loaded it.', status: 412 }),
      }),
    );
    const { user } = renderApp('/private');
    await screen.findByTestId('my-movie-row');

    await user.click(screen.getByRole('button', { name: 'Edit Heat' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText('Genres'), ', Drama');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    expect(await within(dialog).findByTestId('stale-alert')).toHaveTextContent(
      'Someone changed this movie meanwhile',
    );
    await user.click(within(dialog).getByRole('button', { name: 'Reload movie' }));
    await waitFor(() => expect(within(dialog).getByLabelText('Name')).toHaveValue(changed.name));
    expect(within(dialog).queryByTestId('stale-alert')).not.toBeInTheDocument();
  });

  it('deletes a movie after confirmation', async () => {
    storeSession();
    const mock = mockFetch(
      routes({
        'GET /api/movies': [
          () => json(200, [HEAT], { 'X-Total-Count': '1' }),
          () => json(200, [], { 'X-Total-Count': '0' }),
        ],
        [`DELETE /api/movies/${HEAT.id}`]: () => json(204),
      }),
    );
    const { user } = renderApp('/private');
    await screen.findByTestId('my-movie-row');

    await user.click(screen.getByRole('button', { name: 'Delete Heat' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));

    expect(await screen.findByText("You haven't added any movies yet.")).toBeVisible();
    expect(screen.getByTestId('notice')).toHaveTextContent('Deleted “Heat”.');
    expect(mock.callsTo(`DELETE /api/movies/${HEAT.id}`)).toHaveLength(1);
  });
});
