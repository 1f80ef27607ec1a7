import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { FakeEventSource, installEventSource, theStream } from '../test/fakeEventSource.js';
import { movie } from '../test/fetchMock.js';
import useLiveEvents from './useLiveEvents.js';

/** Shows the last rating the live stream told of, as a page would. */
function RatingWatcher({ name }) {
  const [last, setLast] = useState('nothing yet');
  useLiveEvents({
    'movie.rated': (event) => setLast(`${event.movie.name} now ${event.movie.rating.average}`),
  });
  return <p data-testid={`watcher-${name}`}>{`${name}: ${last}`}</p>;
}

/** Two watchers, each with a button that takes it away, and one that swaps A for a new C at once. */
function Watchers() {
  const [shown, setShown] = useState({ A: true, B: true, C: false });
  const hide = (name) => setShown((current) => ({ ...current, [name]: false }));
  return (
    <>
      {Object.entries(shown).map(([name, on]) => on && <RatingWatcher key={name} name={name} />)}
      <button type="button" onClick={() => hide('A')}>
        Close A
      </button>
      <button type="button" onClick={() => hide('B')}>
        Close B
      </button>
      <button type="button" onClick={() => setShown((current) => ({ ...current, A: false, C: true }))}>
        Swap A for C
      </button>
    </>
  );
}

const rated = (average) => ({ type: 'movie.rated', id: movie().id, movie: movie({ rating: { average, count: 2 } }) });

describe('useLiveEvents', () => {
  it('shares one EventSource on /api/events between two subscribers, and closes it when both leave', async () => {
    installEventSource();
    const user = userEvent.setup();
    render(<Watchers />);

    const stream = theStream();
    expect(stream.url).toBe('/api/events');
    stream.open();
    stream.emit('movie.rated', rated(7.5));
    expect(screen.getByTestId('watcher-A')).toHaveTextContent('A: Heat now 7.5');
    expect(screen.getByTestId('watcher-B')).toHaveTextContent('B: Heat now 7.5');

    await user.click(screen.getByRole('button', { name: 'Close A' }));
    stream.emit('movie.rated', rated(8));
    expect(screen.getByTestId('watcher-B')).toHaveTextContent('B: Heat now 8');
    expect(stream.closed).toBe(false);

    await user.click(screen.getByRole('button', { name: 'Close B' }));
    await waitFor(() => expect(stream.closed).toBe(true));
    expect(FakeEventSource.instances).toHaveLength(1);
  });

  it('keeps the stream when one page leaves as the next one arrives (one connection, its Last-Event-ID kept)', async () => {
    installEventSource();
    const user = userEvent.setup();
    render(<Watchers />);
    await user.click(screen.getByRole('button', { name: 'Close B' }));

    await user.click(screen.getByRole('button', { name: 'Swap A for C' }));
    await new Promise((resolve) => setTimeout(resolve, 10));
    theStream().emit('movie.rated', rated(6.5));

    expect(screen.getByTestId('watcher-C')).toHaveTextContent('C: Heat now 6.5');
    expect(theStream().closed).toBe(false);
  });

  it('leaves a dropped connection to the browser, which reconnects by itself', () => {
    installEventSource();
    render(<Watchers />);
    const stream = theStream();
    stream.open();

    stream.drop();
    stream.open();
    stream.emit('movie.rated', rated(9));

    expect(screen.getByTestId('watcher-A')).toHaveTextContent('A: Heat now 9');
    expect(FakeEventSource.instances).toHaveLength(1);
    expect(stream.closed).toBe(false);
  });

  it('gives up for good when the stream is unavailable (503): no second EventSource, the page as it was', async () => {
    installEventSource();
    const errors = vi.spyOn(console, 'error');
    const user = userEvent.setup();
    render(<Watchers />);

    theStream().fail();
    await user.click(screen.getByRole('button', { name: 'Swap A for C' }));
    await user.click(screen.getByRole('button', { name: 'Close B' }));
    await new Promise((resolve) => setTimeout(resolve, 10));

    expect(FakeEventSource.instances).toHaveLength(1);
    expect(screen.getByTestId('watcher-C')).toHaveTextContent('C: nothing yet');
    expect(errors).not.toHaveBeenCalled();
  });

  it('ignores data that is not JSON and events of types it does not know', () => {
    installEventSource();
    render(<Watchers />);
    const stream = theStream();

    stream.emit('movie.rated', '{not json');
    stream.emit('movie.reshuffled', rated(1));
    stream.emit('message', rated(2));

    expect(screen.getByTestId('watcher-A')).toHaveTextContent('A: nothing yet');
    stream.emit('movie.rated', rated(5.5));
    expect(screen.getByTestId('watcher-A')).toHaveTextContent('A: Heat now 5.5');
  });

  it('works without live updates in a browser without EventSource', () => {
    vi.stubGlobal('EventSource', undefined);

    render(<Watchers />);

    expect(screen.getByTestId('watcher-A')).toHaveTextContent('A: nothing yet');
  });
});
