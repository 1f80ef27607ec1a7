import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';
import { session } from '../api/client.js';
import { resetLiveEvents } from '../hooks/useLiveEvents.js';

afterEach(() => {
  cleanup();
  // What a page load starts from: no access token in memory, no session cookie.
  session.clear();
  document.cookie = 'movie_bag_csrf=; max-age=0; path=/';
  // A new tab: no live stream, and none found unavailable yet.
  resetLiveEvents();
});
