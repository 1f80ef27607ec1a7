import { Link } from 'react-router-dom';

/** The catalogue filtered by one value: `/?cast=Al+Pacino`, `/?director=...`, `/?genre=...`. */
export function filterUrl(filter, value) {
  return `/?${new URLSearchParams({ [filter]: value })}`;
}

/** A link to the catalogue filtered by `value` (a cast member, a director, a genre), labelled by it. */
export default function FilterLink({ filter, value, className }) {
  return (
    <Link to={filterUrl(filter, value)} className={className}>
      {value}
    </Link>
  );
}
