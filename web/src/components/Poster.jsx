/**
 * A movie's poster: the thumbnail (at most 300 px wide), or with `full` the whole image on
 * high-density screens; when it has none, a blank poster of the same shape with its name on it
 * (as film sites show one) and "No poster".
 * `decorative` hides it from screen readers, for where the movie's name stands beside it.
 */
export default function Poster({ movie, full = false, lazy = true, decorative = false, className = '' }) {
  if (!movie.poster_url) {
    return (
      <div
        className={`poster poster-placeholder ${className}`.trim()}
        {...(decorative ? { 'aria-hidden': true } : { role: 'img', 'aria-label': `No poster for ${movie.name}` })}
      >
        <span className="poster-placeholder-name" aria-hidden="true">
          {movie.name}
        </span>
        <span className="poster-placeholder-note" aria-hidden="true">
          No poster
        </span>
      </div>
    );
  }
  // poster_url already carries a query string (the poster's version).
  const thumb = `${movie.poster_url}&size=thumb`;
  return (
    <img
      className={`poster ${className}`.trim()}
      src={thumb}
      srcSet={full ? `${thumb} 1x, ${movie.poster_url} 2x` : undefined}
      alt={decorative ? '' : `Poster of ${movie.name}`}
      width="300"
      height="450"
      loading={lazy ? 'lazy' : 'eager'}
      decoding="async"
    />
  );
}
