import Pagination from 'react-bootstrap/Pagination';
import { Link } from 'react-router-dom';
import { pageFromUrl } from '../api/client.js';

/**
 * Page links built from the API's Link header (first/prev/next/last) and
 * X-Total-Count. `toPage(n)` gives the router location of page n; `noun` is
 * what is being counted ("movies", "users").
 */
export default function Pager({ page, perPage, total, links, shown, toPage, label = 'Pages', noun = 'movies' }) {
  const last = pageFromUrl(links.last) || (total ? Math.ceil(total / perPage) : page);
  const from = shown ? (page - 1) * perPage + 1 : 0;
  const to = (page - 1) * perPage + shown;

  // A small window around the current page keeps the bar usable on a phone.
  const start = Math.max(1, Math.min(page - 2, last - 4));
  const numbers = [];
  for (let n = start; n <= Math.min(last, start + 4); n += 1) numbers.push(n);

  const item = (rel, Component, target, text) =>
    links[rel] ? (
      <Component as={Link} to={toPage(target)} aria-label={text} />
    ) : (
      <Component disabled aria-label={text} />
    );

  return (
    <div className="d-flex flex-column flex-sm-row align-items-center justify-content-between gap-2 mt-3">
      <p className="text-body-secondary small mb-0" data-testid="result-count">
        {total === null || total === undefined
          ? `Showing ${shown} ${noun}`
          : total === 0
            ? `No ${noun}`
            : `Showing ${from}–${to} of ${total}`}
      </p>
      {last > 1 && (
        <Pagination className="mb-0" aria-label={label}>
          {item('first', Pagination.First, 1, 'First page')}
          {item('prev', Pagination.Prev, pageFromUrl(links.prev), 'Previous page')}
          {numbers.map((n) => (
            <Pagination.Item key={n} active={n === page} as={Link} to={toPage(n)}>
              {n}
            </Pagination.Item>
          ))}
          {item('next', Pagination.Next, pageFromUrl(links.next), 'Next page')}
          {item('last', Pagination.Last, last, 'Last page')}
        </Pagination>
      )}
    </div>
  );
}
