import Col from 'react-bootstrap/Col';
import Row from 'react-bootstrap/Row';
import MovieCard from './MovieCard.jsx';

/**
 * Movies as a poster grid: two columns on a phone, up to six on a wide screen. `label` names
 * the list for screen readers; `actions(movie)`, when given, are each card's buttons.
 */
export default function MovieGrid({ movies, label, actions }) {
  return (
    <Row xs={2} sm={3} md={4} xl={6} className="g-3 list-unstyled" as="ul" role="list" aria-label={label}>
      {movies.map((movie) => (
        <Col as="li" key={movie.id}>
          <MovieCard movie={movie} actions={actions && actions(movie)} />
        </Col>
      ))}
    </Row>
  );
}
