import Badge from 'react-bootstrap/Badge';
import FilterLink from './FilterLink.jsx';

/** A movie's genres as small pills; with `linked`, each one leads to the catalogue filtered by it. */
export default function GenreBadges({ genres, linked = false }) {
  return (
    <div className="d-flex flex-wrap gap-1">
      {genres.map((genre, index) =>
        linked ? (
          <FilterLink
            key={`${index}-${genre}`}
            filter="genre"
            value={genre}
            className="badge rounded-pill bg-secondary-subtle text-secondary-emphasis fw-normal genre-link"
          />
        ) : (
          <Badge key={`${index}-${genre}`} bg="secondary-subtle" text="secondary-emphasis" className="fw-normal">
            {genre}
          </Badge>
        ),
      )}
    </div>
  );
}
