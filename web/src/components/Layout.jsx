import Container from 'react-bootstrap/Container';
import { Outlet } from 'react-router-dom';
import AppNavbar from './AppNavbar.jsx';
import { LiveAnnouncer } from './LiveAnnouncer.jsx';

/** Navbar above every route's page; the pages' live region after them. */
export default function Layout() {
  return (
    <LiveAnnouncer>
      <AppNavbar />
      <Container as="main" className="pb-5">
        <Outlet />
      </Container>
    </LiveAnnouncer>
  );
}
