import { act } from '@testing-library/react';
import { vi } from 'vitest';

/**
 * A stand-in for the browser's EventSource that tests drive: `emit(type, data)` delivers an event
 * of the live stream as the server would (its data JSON, an id), `fail()` is the browser giving up
 * on an answer that is not a stream (a 503: readyState CLOSED, then an error event), `drop()` a
 * lost connection the browser reconnects by itself (readyState CONNECTING, then an error event).
 */
export class FakeEventSource {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSED = 2;

  /** Every EventSource made since install(), oldest first. */
  static instances = [];

  constructor(url) {
    this.url = url;
    this.readyState = FakeEventSource.CONNECTING;
    this.listeners = new Map();
    this.lastId = 0;
    FakeEventSource.instances.push(this);
  }

  addEventListener(type, listener) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type).add(listener);
  }

  removeEventListener(type, listener) {
    this.listeners.get(type)?.delete(listener);
  }

  close() {
    this.readyState = FakeEventSource.CLOSED;
  }

  /** Whether the page closed it (or the browser did, after fail()). */
  get closed() {
    return this.readyState === FakeEventSource.CLOSED;
  }

  dispatch(type, event) {
    for (const listener of [...(this.listeners.get(type) || [])]) listener(event);
  }

  /** The stream answered: readyState OPEN, then the open event. */
  open() {
    act(() => {
      this.readyState = FakeEventSource.OPEN;
      this.dispatch('open', new Event('open'));
    });
  }

  /** One event of the stream, `data` sent as JSON (or as it is when a string). Ignored once closed. */
  emit(type, data) {
    if (this.closed) return;
    this.lastId += 1;
    const text = typeof data === 'string' ? data : JSON.stringify(data);
    act(() => this.dispatch(type, new MessageEvent(type, { data: text, lastEventId: String(this.lastId) })));
  }

  /** The server answered something else than a stream (a 503): the browser closes it for good. */
  fail() {
    act(() => {
      this.readyState = FakeEventSource.CLOSED;
      this.dispatch('error', new Event('error'));
    });
  }

  /** The connection dropped: the browser will reconnect by itself (with Last-Event-ID). */
  drop() {
    act(() => {
      this.readyState = FakeEventSource.CONNECTING;
      this.dispatch('error', new Event('error'));
    });
  }
}

/** Installs FakeEventSource as the global EventSource (vitest unstubs it after the test). */
export function installEventSource() {
  FakeEventSource.instances = [];
  vi.stubGlobal('EventSource', FakeEventSource);
  return FakeEventSource;
}

/** The one EventSource the page opened (it must have opened exactly one). */
export function theStream() {
  const { instances } = FakeEventSource;
  if (instances.length !== 1) throw new Error(`Expected one EventSource, found ${instances.length}`);
  return instances[0];
}
