import { useEffect, useLayoutEffect, useRef, useState } from 'react';

/** The Server-Sent Events stream of catalogue changes (public, same origin). */
export const EVENTS_URL = '/api/events';

/**
 * The event types the stream sends; each event's data is JSON carrying its `type` and the movie's
 * `id`. `reset` (no id) says a reconnect missed too much to be given it: read everything again.
 */
export const EVENT_TYPES = ['movie.created', 'movie.changed', 'movie.rated', 'movie.deleted', 'review.posted', 'reset'];

// EventSource.CLOSED: the browser gave the stream up and will not reconnect by itself.
const CLOSED = 2;

// One stream per tab, whoever listens: {type: Set of listeners}, how many subscribers, the
// EventSource while anyone listens, the timer that closes it once nobody does, and whether the
// stream turned out unavailable (then nobody opens it again in this tab).
const hub = { listeners: new Map(), count: 0, source: null, closing: null, unavailable: false };

/** Hands one event to every listener of its type; data that is not JSON is dropped. */
function dispatch(type, message) {
  let data;
  try {
    data = JSON.parse(message.data);
  } catch {
    return;
  }
  if (!data || typeof data !== 'object') return;
  for (const listener of [...(hub.listeners.get(type) || [])]) listener(data);
}

/**
 * Opens the tab's EventSource. The browser reconnects by itself after a dropped connection (the
 * server ends each stream after some minutes), sending Last-Event-ID so that nothing is missed;
 * but an answer that is not a stream (503 where the database has no change streams, a proxy's
 * 502) closes it for good: it is then left closed, and the pages go on without live updates.
 */
function open() {
  const EventSourceClass = globalThis.EventSource;
  // No EventSource (an old browser, jsdom): pages simply never hear of changes.
  if (typeof EventSourceClass !== 'function') return;
  const source = new EventSourceClass(EVENTS_URL);
  for (const type of EVENT_TYPES) source.addEventListener(type, (message) => dispatch(type, message));
  source.addEventListener('error', () => {
    if (source.readyState !== CLOSED) return;
    source.close();
    hub.unavailable = true;
    if (hub.source === source) hub.source = null;
  });
  hub.source = source;
}

/** Closes the tab's EventSource. */
function close() {
  clearTimeout(hub.closing);
  hub.closing = null;
  if (hub.source) hub.source.close();
  hub.source = null;
}

/**
 * Listens to the live stream: `handlers` is {event type: listener(data)}. The first subscriber
 * opens the tab's one EventSource, the last one to leave closes it. Returns the unsubscribe
 * function (calling it twice is harmless).
 */
export function subscribe(handlers) {
  const entries = Object.entries(handlers).filter(([type, listener]) => EVENT_TYPES.includes(type) && listener);
  for (const [type, listener] of entries) {
    if (!hub.listeners.has(type)) hub.listeners.set(type, new Set());
    hub.listeners.get(type).add(listener);
  }
  hub.count += 1;
  clearTimeout(hub.closing);
  hub.closing = null;
  if (!hub.source && !hub.unavailable) open();
  let subscribed = true;
  return () => {
    if (!subscribed) return;
    subscribed = false;
    for (const [type, listener] of entries) hub.listeners.get(type).delete(listener);
    hub.count -= 1;
    // Closed a moment later: going from one page to another unmounts the old page's subscribers
    // before the new page's subscribe, and the stream (with its Last-Event-ID) should carry on.
    if (hub.count === 0 && hub.source) hub.closing = setTimeout(close, 0);
  };
}

/** Forgets that the stream was unavailable and closes it (tests start from a fresh tab this way). */
export function resetLiveEvents() {
  close();
  hub.listeners.clear();
  hub.count = 0;
  hub.unavailable = false;
}

/**
 * Subscribes a component to the live stream while it is mounted: `handlers` is {event type:
 * listener(data)}, read afresh at each event (so listeners may close over the latest render),
 * for the types it had at the first render. Nothing happens when the stream is unavailable.
 */
export default function useLiveEvents(handlers) {
  const latest = useRef(handlers);
  const [types] = useState(() => Object.keys(handlers));

  // At commit, not after paint: an event heard between the two must see what is on the screen.
  useLayoutEffect(() => {
    latest.current = handlers;
  });

  useEffect(() => {
    const wrapped = Object.fromEntries(
      types.map((type) => [type, (data) => latest.current[type] && latest.current[type](data)]),
    );
    return subscribe(wrapped);
  }, [types]);
}
