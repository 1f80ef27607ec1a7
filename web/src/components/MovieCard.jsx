import Card from 'react-bootstrap/Card';
import { Link } from 'react-router-dom';
import Poster from './Poster.jsx';
import RatingSummary from './RatingSummary.jsx';

/**
 * A movie in a poster grid: the poster first, then its name (the link to its page, stretched
 * over the card), year and average rating; `actions` (buttons) sit above the link.
 */
export default function MovieCard({ movie, actions }) {
  return (
    <Card className="h-100 shadow-sm movie-tile" data-testid="movie-card">
      <Poster movie={movie} className="card-img-top" />
      <Card.Body className="p-2 d-flex flex-column">
        <Card.Title as="h2" className="movie-tile-title mb-1">
          <Link to={`/movies/${movie.id}`} className="stretched-link text-decoration-none">
            {movie.name}
          </Link>
        </Card.Title>
        <p className="small mb-0 d-flex flex-wrap align-items-center column-gap-2">
          {movie.year && <span data-testid="movie-year">{movie.year}</span>}
          <RatingSummary rating={movie.rating} compact />
        </p>
        {actions && <div className="mt-auto pt-2 position-relative z-2">{actions}</div>}
      </Card.Body>
    </Card>
  );
}
