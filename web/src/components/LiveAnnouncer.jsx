import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';

const AnnounceContext = createContext(() => {});

// Messages closer together than this are one burst (a demo load creating 32 movies): only the
// last of them is read.
export const ANNOUNCE_DELAY_MS = 250;

/**
 * The page's one polite live region, for what changes without the person doing anything (a
 * movie rated or deleted elsewhere): `useAnnounce()(text)` has screen readers read `text` when
 * they are idle. The region is always there, empty at first, so the first message is read too;
 * each message is a new node, so the same words twice are read twice.
 */
export function LiveAnnouncer({ children }) {
  const [message, setMessage] = useState({ text: '', n: 0 });
  const timer = useRef(null);
  const announce = useCallback((text) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setMessage((current) => ({ text, n: current.n + 1 })), ANNOUNCE_DELAY_MS);
  }, []);
  useEffect(() => () => clearTimeout(timer.current), []);
  return (
    <AnnounceContext.Provider value={announce}>
      {children}
      <div className="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="live-announcer">
        {message.text && <span key={message.n}>{message.text}</span>}
      </div>
    </AnnounceContext.Provider>
  );
}

/** The function that announces a message through the page's live region (a no-op outside one). */
export function useAnnounce() {
  return useContext(AnnounceContext);
}
