import Alert from 'react-bootstrap/Alert';
import { Link } from 'react-router-dom';

/** Any path the client doesn't know. */
export default function NotFound() {
  return (
    <Alert variant="secondary">
      <Alert.Heading as="h1" className="h5">Page not found</Alert.Heading>
      <p>There is nothing at this address.</p>
      <Link to="/">Go to the catalogue</Link>
    </Alert>
  );
}
