import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import api, { session } from '../api/client.js';

const AuthContext = createContext(null);

/**
 * Holds who is logged in. The access token itself stays in the API client's
 * memory; this only keeps the /api/auth/me answer for the UI. A page load
 * resumes the browser session from its cookie, so a reload stays logged in.
 */
export function AuthProvider({ children }) {
  const [user, setUser] = useState(null);
  // "checking" until the API answers, so the navbar doesn't flash Login for a live session.
  const [status, setStatus] = useState(() => (session.present ? 'checking' : 'anonymous'));
  const pending = useRef(null);

  const forget = useCallback(() => {
    setUser(null);
    setStatus('anonymous');
  }, []);

  /** Asks the API who is logged in (resuming the session after a page load); resolves to the user or null. */
  const verify = useCallback(() => {
    if (!pending.current) {
      pending.current = api
        .resumeSession()
        .then((resumed) => (resumed ? api.me() : null))
        .then(
          (me) => {
            if (!me) {
              forget();
              return null;
            }
            setUser(me);
            setStatus('authenticated');
            return me;
          },
          (error) => {
            // Any 4xx means the API refused this session; only network or server
            // trouble, or a rate limit, leaves it in place to be tried again.
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

  /** Changes the logged-in person's own account (`{display_name}`) and shows the API's answer everywhere. */
  const updateMe = useCallback(async (fields) => {
    const me = await api.updateMe(fields);
    setUser(me);
    return me;
  }, []);

  /** Drops the access token without asking the API: for sessions it has already ended. */
  const forgetSession = useCallback(() => {
    session.clear();
    forget();
  }, [forget]);

  useEffect(() => api.onSessionExpired(forget), [forget]);

  useEffect(() => {
    verify().catch(() => {});
  }, [verify]);

  const value = useMemo(
    () => ({ user, status, verify, signin, signout, forgetSession, updateMe }),
    [user, status, verify, signin, signout, forgetSession, updateMe],
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
