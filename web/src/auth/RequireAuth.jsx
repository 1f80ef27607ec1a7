import { useEffect, useState } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { useAuth } from './AuthProvider.jsx';
import Loading from '../components/Loading.jsx';
import ErrorAlert from '../components/ErrorAlert.jsx';

/**
 * Guards a private route: the session is checked against /api/auth/me
 * before anything private renders, and people without a valid session are
 * sent to /login with a note of where they were going.
 */
export default function RequireAuth({ children }) {
  const { user, status, verify } = useAuth();
  const location = useLocation();
  const [state, setState] = useState(() => (status === 'anonymous' ? 'denied' : 'checking'));
  const [error, setError] = useState(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    setState('checking');
    verify().then(
      (me) => live && setState(me ? 'allowed' : 'denied'),
      (err) => {
        if (!live) return;
        setError(err);
        setState('error');
      },
    );
    return () => {
      live = false;
    };
  }, [verify, attempt]);

  // Also leave when the session ends while on the page (logout, failed refresh).
  if (state === 'denied' || (state === 'allowed' && !user)) {
    return <Navigate to="/login" replace state={{ from: location }} />;
  }
  if (state === 'error') {
    return <ErrorAlert error={error} onRetry={() => setAttempt((n) => n + 1)} />;
  }
  if (state === 'checking') return <Loading label="Checking your session…" />;
  return children;
}
