import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useAnnounce } from '../components/LiveAnnouncer.jsx';
import { countOf } from '../format.js';
import useLiveEvents from './useLiveEvents.js';

/**
 * What the live stream said of a list's movies since it was asked for: nothing yet. `changed`
 * is {id: {movie, at}}, `deleted` {id: at}, `at` the order in which the events were heard;
 * `created` the ids of new movies.
 */
function nothingSince(key) {
  return { key, changed: new Map(), deleted: new Map(), created: new Set() };
}

/** `entries` (a Map of {at} or of at) without those heard before `since`. */
function heardFrom(entries, since) {
  return new Map([...entries].filter(([, value]) => (value.at ?? value) >= since));
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
 * A page of movies (usePagedList's answer `list`, for the query `key`) kept current by the live
 * stream: a movie changed or rated takes its new fields in place (the row's own `viewer` kept), a
 * deleted one leaves the page (and the total), and movies created since are counted, not shown, so
 * that nothing moves under the reader. Each change to a movie on the page is announced politely.
 * `refresh()` reads the page again, new movies and all (as a `reset` from the stream does: it
 * missed too much); what was heard before it then gives way to the page read after it.
 * Returns {result: the page as it is now, created: how many new movies the page does not show, refresh}.
 */
export default function useLiveMovieList({ result, loading, reload }, key) {
  const announce = useAnnounce();
  const [live, setLive] = useState(() => nothingSince(key));
  const current = live.key === key ? live : nothingSince(key);
  const latest = useRef({ result, loading, key, current });
  // At commit, not after paint: an event heard between the two must see the page on the screen.
  useLayoutEffect(() => {
    latest.current = { result, loading, key, current };
  });
  // How many events were heard: the order `at` of each.
  const heard = useRef(0);
  // A re-read under way: {from: the page it replaces, since: the first event it may not have seen}.
  const rereading = useRef(null);

  /** The movie with this id as the page shows it, or null. */
  function shown(id) {
    const { result: page, current: since } = latest.current;
    if (!page || since.deleted.has(id)) return null;
    const row = page.movies.find((movie) => movie.id === id);
    const fresh = since.changed.get(id);
    return row ? (fresh ? fresh.movie : row) : null;
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
    const entry = { movie: event.movie, at: (heard.current += 1) };
    record((state) => ({ ...state, changed: new Map(state.changed).set(event.id, entry) }));
    if (before) announce(words(before, event.movie));
  }

  function refresh() {
    rereading.current = { from: latest.current.result, since: heard.current + 1 };
    record((state) => ({ ...state, created: new Set() }));
    reload();
  }

  useLiveEvents({
    'movie.changed': (event) => changed(event, changeNews),
    'movie.rated': (event) => changed(event, (_, after) => ratingNews(after)),
    'movie.deleted': (event) => {
      const before = shown(event.id);
      const at = concerns(event.id) ? (heard.current += 1) : null;
      record((state) => {
        const created = new Set(state.created);
        created.delete(event.id);
        return { ...state, created, deleted: at ? new Map(state.deleted).set(event.id, at) : state.deleted };
      });
      if (before) announce(`“${before.name}” was deleted.`);
    },
    'movie.created': (event) => record((state) => ({ ...state, created: new Set(state.created).add(event.id) })),
    reset: refresh,
  });

  // The page read again has come: what was heard before the re-read began is in it, or older than
  // it (a rating leaves `updated_at` as it was, so only this order tells). Before it is painted.
  useLayoutEffect(() => {
    const pending = rereading.current;
    if (!pending || result === pending.from) return;
    rereading.current = null;
    record((state) => ({
      ...state,
      changed: heardFrom(state.changed, pending.since),
      deleted: heardFrom(state.deleted, pending.since),
    }));
    // `record` reads only refs: the page's arrival alone is what this waits for.
  }, [result]);

  const page = useMemo(() => {
    if (!result) return null;
    const movies = result.movies
      .filter((row) => !current.deleted.has(row.id))
      .map((row) => {
        const fresh = current.changed.get(row.id);
        if (!fresh || !notOlder(fresh.movie, row)) return row;
        // The stream's movie is everyone's: the reader's own state stays the page's.
        const { viewer, ...movie } = fresh.movie;
        return row.viewer === undefined ? movie : { ...movie, viewer: row.viewer };
      });
    const gone = result.movies.length - movies.length;
    return { ...result, movies, total: result.total === null ? null : result.total - gone };
  }, [result, current]);

  const created = result ? [...current.created].filter((id) => !result.movies.some((row) => row.id === id)).length : 0;

  const told = useRef(0);
  useEffect(() => {
    if (created > told.current) announce(`${countOf(created, 'new movie')} in the catalogue.`);
    told.current = created;
  }, [created, announce]);

  return { result: page, created, refresh };
}
