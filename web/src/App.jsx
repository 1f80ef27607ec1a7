import { Route, Routes } from 'react-router-dom';
import { AuthProvider } from './auth/AuthProvider.jsx';
import RequireAuth from './auth/RequireAuth.jsx';
import Layout from './components/Layout.jsx';
import Catalogue from './pages/Catalogue.jsx';
import Login from './pages/Login.jsx';
import MovieDetail from './pages/MovieDetail.jsx';
import NotFound from './pages/NotFound.jsx';
import Private from './pages/Private.jsx';
import Signup from './pages/Signup.jsx';

/** Every route of the client; private ones sit behind <RequireAuth>. */
export default function App() {
  return (
    <AuthProvider>
      <Routes>
        <Route element={<Layout />}>
          <Route index element={<Catalogue />} />
          <Route path="movies/:id" element={<MovieDetail />} />
          <Route path="signup" element={<Signup />} />
          <Route path="login" element={<Login />} />
          <Route
            path="private"
            element={
              <RequireAuth>
                <Private />
              </RequireAuth>
            }
          />
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </AuthProvider>
  );
}
