import Button from 'react-bootstrap/Button';
import Container from 'react-bootstrap/Container';
import Nav from 'react-bootstrap/Nav';
import Navbar from 'react-bootstrap/Navbar';
import { Link, NavLink, useNavigate } from 'react-router-dom';
import { useAuth } from '../auth/AuthProvider.jsx';
import Logo from './Logo.jsx';

/** The top bar on every page: catalogue links and who is logged in, by display name (never the email). */
export default function AppNavbar() {
  const { user, status, signout } = useAuth();
  const navigate = useNavigate();

  async function handleLogout() {
    await signout();
    navigate('/login', { replace: true, state: { notice: 'You have been logged out.' } });
  }

  return (
    <Navbar expand="md" bg="dark" data-bs-theme="dark" className="mb-4" collapseOnSelect>
      <Container>
        <Navbar.Brand as={Link} to="/" className="d-flex align-items-center gap-2 fw-semibold">
          <Logo />
          movie-bag
        </Navbar.Brand>
        <Navbar.Toggle aria-controls="main-nav" />
        <Navbar.Collapse id="main-nav">
          <Nav className="me-auto">
            <Nav.Link as={NavLink} to="/" end>
              Catalogue
            </Nav.Link>
            {user && (
              <Nav.Link as={NavLink} to="/private">
                My movies
              </Nav.Link>
            )}
            {user && (
              <Nav.Link as={NavLink} to="/watchlist">
                My watchlist
              </Nav.Link>
            )}
            {user && user.is_admin && (
              <Nav.Link as={NavLink} to="/admin/users">
                Users
              </Nav.Link>
            )}
          </Nav>
          {user ? (
            <Nav className="align-items-md-center gap-md-2">
              <Nav.Link
                as={NavLink}
                to="/account"
                className="text-truncate"
                title="Your account"
                data-testid="current-user"
              >
                {user.display_name || 'Your account'}
                {user.is_admin && <span className="badge text-bg-warning ms-2">admin</span>}
              </Nav.Link>
              <Button variant="outline-light" size="sm" onClick={handleLogout} className="my-2 my-md-0">
                Logout
              </Button>
            </Nav>
          ) : (
            status !== 'checking' && (
              <Nav>
                <Nav.Link as={NavLink} to="/login">
                  Login
                </Nav.Link>
                <Nav.Link as={NavLink} to="/signup">
                  Signup
                </Nav.Link>
              </Nav>
            )
          )}
        </Navbar.Collapse>
      </Container>
    </Navbar>
  );
}
