import Badge from 'react-bootstrap/Badge';

/** A movie's genres as small pills. */
export default function GenreBadges({ genres }) {
  return (
    <div className="d-flex flex-wrap gap-1">
      {genres.map((genre, index) => (
        <Badge key={`${index}-${genre}`} bg="secondary-subtle" text="secondary-emphasis" className="fw-normal">
          {genre}
        </Badge>
      ))}
    </div>
  );
}
