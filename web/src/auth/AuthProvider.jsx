import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import api, { session } from '../api/client.js';

const AuthContext = createContext(null);

/**
 * Holds who is logged in. The tokens themselves stay in sessionStorage (owned
 * by the API client); this only keeps the /api/auth/me answer for the UI.
 */
export function AuthProvider({ children }) {
  const [user, setUser] = useState(null);
  // "checking" until /me answers, so the navbar doesn't flash Login for a valid session.
  const [status, setStatus] = useState(() => (session.hasTokens ? 'checking' : 'anonymous'));
  const pending = useRef(null);

  const forget = useCallback(() => {
    setUser(null);
    setStatus('anonymous');
  }, []);

  /** Asks the API who the stored token belongs to; resolves to the user or null. */
  const verify = useCallback(() => {
    if (!session.hasTokens) {
      forget();
      return Promise.resolve(null);
    }
    if (!pending.current) {
      pending.current = api
        .me()
        .then(
          (me) => {
            setUser(me);
            setStatus('authenticated');
            return me;
          },
          (error) => {
            // Any 4xx means the API refused this token; only network or server
            // trouble, or a rate limit, leaves the session in place to be tried again.
            if (error.status >= 400 && error.status < 500 && error.status !== 429) {
              session.clear();
              forget();
              return null;
            }
            setStatus('unknown');
            throw error;
          },
        )
        .finally(() => {
          pending.current = null;
        });
    }
    return pending.current;
  }, [forget]);

  const signin = useCallback(
    async (email, password) => {
      await api.login(email, password);
      return verify();
    },
    [verify],
  );

  const signout = useCallback(async () => {
    await api.logout();
    forget();
  }, [forget]);

  /** Drops the stored tokens without asking the API: for sessions it has already ended. */
  const forgetSession = useCallback(() => {
    session.clear();
    forget();
  }, [forget]);

  useEffect(() => api.onSessionExpired(forget), [forget]);

  useEffect(() => {
    verify().catch(() => {});
  }, [verify]);

  const value = useMemo(
    () => ({ user, status, verify, signin, signout, forgetSession }),
    [user, status, verify, signin, signout, forgetSession],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

/** The current user, whether that is still being checked, and the auth actions. */
export function useAuth() {
  const context = useContext(AuthContext);
  if (!context) throw new Error('useAuth must be used inside <AuthProvider>');
  return context;
}

/** True when `user` may edit or delete `movie`. */
export function canManage(user, movie) {
  return Boolean(user && movie && (user.is_admin || movie.added_by === user.id));
}
