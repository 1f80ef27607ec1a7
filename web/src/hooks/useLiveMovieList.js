import { useEffect, useMemo, useRef, useState } from 'react';
import { useAnnounce } from '../components/LiveAnnouncer.jsx';
import { countOf } from '../format.js';
import useLiveEvents from './useLiveEvents.js';

/** What the live stream said of a list's movies since it was asked for: nothing yet. */
function nothingSince(key) {
  return { key, changed: new Map(), deleted: new Set(), created: new Set() };
}

/** True unless `live` is known to be older than `row` (a page read after the event). */
function notOlder(live, row) {
  return !(Date.parse(live.updated_at) < Date.parse(row.updated_at));
}

/** A movie's new average, as a sentence to hear. */
function ratingNews(movie) {
  const { rating } = movie;
  if (!rating || !rating.count) return `“${movie.name}” has no ratings now.`;
  return `Rating updated for “${movie.name}”: ${rating.average.toFixed(1)} out of 10 from ${countOf(rating.count, 'rating')}.`;
}

/** The words for a movie changed in place: its new name when it was renamed. */
function changeNews(before, after) {
  if (before.name !== after.name) return `“${before.name}” was renamed “${after.name}”.`;
  return `“${after.name}” was updated.`;
}

/**
 * A page of movies (usePagedList's `result` for the query `key`) kept current by the live stream:
 * a movie changed or rated takes its new fields in place (the row's own `viewer` kept), a deleted
 * one leaves the page (and the total), and movies created since are counted, not shown, so that
 * nothing moves under the reader. Each change to a movie on the page is announced politely.
 * Returns {result: the page as it is now, created: how many new movies the page does not show,
 * forgetCreated()}.
 */
export default function useLiveMovieList(result, loading, key) {
  const announce = useAnnounce();
  const [live, setLive] = useState(() => nothingSince(key));
  const current = live.key === key ? live : nothingSince(key);
  const latest = useRef({ result, loading, key, current });
  useEffect(() => {
    latest.current = { result, loading, key, current };
  });

  /** The movie with this id as the page shows it, or null. */
  function shown(id) {
    const { result: page, current: since } = latest.current;
    if (!page || since.deleted.has(id)) return null;
    const row = page.movies.find((movie) => movie.id === id);
    return row ? since.changed.get(id) || row : null;
  }

  /** Applies `change(state)` (which returns the new state) to what was said since the current query. */
  function record(change) {
    const { key: now } = latest.current;
    setLive((state) => change(state.key === now ? state : nothingSince(now)));
  }

  // While a page loads, what it will show is not known yet: everything is kept, for a page read
  // before the event; afterwards, only what concerns its movies.
  const concerns = (id) => latest.current.loading || shown(id) !== null;

  function changed(event, words) {
    if (!event.movie || !concerns(event.id)) return;
    const before = shown(event.id);
    record((state) => ({ ...state, changed: new Map(state.changed).set(event.id, event.movie) }));
    if (before) announce(words(before, event.movie));
  }

  useLiveEvents({
    'movie.changed': (event) => changed(event, changeNews),
    'movie.rated': (event) => changed(event, (_, after) => ratingNews(after)),
    'movie.deleted': (event) => {
      const before = shown(event.id);
      const concerned = concerns(event.id);
      record((state) => {
        const created = new Set(state.created);
        created.delete(event.id);
        return { ...state, created, deleted: concerned ? new Set(state.deleted).add(event.id) : state.deleted };
      });
      if (before) announce(`“${before.name}” was deleted.`);
    },
    'movie.created': (event) => record((state) => ({ ...state, created: new Set(state.created).add(event.id) })),
  });

  const page = useMemo(() => {
    if (!result) return null;
    const movies = result.movies
      .filter((row) => !current.deleted.has(row.id))
      .map((row) => {
        const fresh = current.changed.get(row.id);
        if (!fresh || !notOlder(fresh, row)) return row;
        // The stream's movie is everyone's: the reader's own state stays the page's.
        const { viewer, ...movie } = fresh;
        return row.viewer === undefined ? movie : { ...movie, viewer: row.viewer };
      });
    const gone = result.movies.length - movies.length;
    return { ...result, movies, total: result.total === null ? null : result.total - gone };
  }, [result, current]);

  const created = result ? [...current.created].filter((id) => !result.movies.some((row) => row.id === id)).length : 0;

  const heard = useRef(0);
  useEffect(() => {
    if (created > heard.current) announce(`${countOf(created, 'new movie')} in the catalogue.`);
    heard.current = created;
  }, [created, announce]);

  const forgetCreated = () => record((state) => ({ ...state, created: new Set() }));

  return { result: page, created, forgetCreated };
}
