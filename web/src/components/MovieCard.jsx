import Card from 'react-bootstrap/Card';
import { Link } from 'react-router-dom';
import GenreBadges from './GenreBadges.jsx';
import Poster from './Poster.jsx';
import RatingSummary from './RatingSummary.jsx';

/**
 * A movie in a grid of cards: poster thumbnail, name (the link to its page, stretched over the
 * card), year, average rating, cast and genres; `actions` (buttons) sit above the link.
 */
export default function MovieCard({ movie, actions }) {
  return (
    <Card className="h-100 shadow-sm" data-testid="movie-card">
      <div className="d-flex h-100">
        <div className="card-poster p-2 pe-0">
          <Poster movie={movie} />
        </div>
        <Card.Body className="min-width-0 d-flex flex-column">
          <Card.Title as="h2" className="h5 mb-1">
            <Link to={`/movies/${movie.id}`} className="stretched-link text-decoration-none">
              {movie.name}
            </Link>
          </Card.Title>
          <p className="small mb-2 d-flex flex-wrap align-items-center column-gap-2">
            {movie.year && <span data-testid="movie-year">{movie.year}</span>}
            <RatingSummary rating={movie.rating} />
          </p>
          <Card.Text className="text-body-secondary small mb-2 text-truncate">{movie.casts.join(', ')}</Card.Text>
          <GenreBadges genres={movie.genres} />
          {actions && <div className="mt-auto pt-2 position-relative z-2">{actions}</div>}
        </Card.Body>
      </div>
    </Card>
  );
}
