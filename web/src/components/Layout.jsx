import Container from 'react-bootstrap/Container';
import { Outlet } from 'react-router-dom';
import AppNavbar from './AppNavbar.jsx';

/** Navbar above every route's page. */
export default function Layout() {
  return (
    <>
      <AppNavbar />
      <Container as="main" className="pb-5">
        <Outlet />
      </Container>
    </>
  );
}
