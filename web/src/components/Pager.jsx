import Pagination from 'react-bootstrap/Pagination';
import { Link, useNavigate } from 'react-router-dom';
import { NUMBERED_ROWS, cursorFromUrl, pageFromUrl } from '../api/client.js';

/** "1,000": a count as people read it. */
const counted = (n) => n.toLocaleString('en');

/**
 * Page links for a list: numbered pages while the API allows them and knows how many there are
 * (X-Total-Count, or X-Total-Count-Exceeds: as deep as page * per_page stays within
 * NUMBERED_ROWS), then Next follows the Link header's rel="next" cursor past them, and Previous
 * goes back. `paging` is usePageParams()'s answer; `noun` is what is being counted ("movies").
 */
export default function Pager({ paging, perPage, total, totalExceeds, links, shown, label = 'Pages', noun = 'movies' }) {
  const navigate = useNavigate();
  const { page, toPage, toCursor, numberOnCursor, cameFromPrevious } = paging;
  const number = page ?? numberOnCursor;
  const hasTotal = total !== null && total !== undefined;
  const knownLast = hasTotal ? Math.max(1, Math.ceil(total / perPage)) : null;
  const deepest = Math.floor(NUMBERED_ROWS / perPage);
  const lastNumbered = Math.min(knownLast ?? deepest, deepest);

  /** The router location a Link header's URL leads to: a numbered page or a cursor. */
  function follow(url) {
    const n = pageFromUrl(url);
    if (n) return toPage(n);
    const cursor = cursorFromUrl(url);
    return cursor ? toCursor(cursor) : null;
  }

  let next = null;
  if (links.next) next = page && page + 1 <= lastNumbered ? toPage(page + 1) : follow(links.next);
  let previous = null;
  if (page > 1) previous = toPage(page - 1);
  else if (!page && number && number - 1 <= lastNumbered) previous = toPage(number - 1);
  // A last page deeper than numbered pages may go is only reached by cursor, Next after Next.
  let last = null;
  if (!knownLast || knownLast <= deepest) {
    if (links.last) last = follow(links.last);
    else if (knownLast && page !== knownLast) last = toPage(knownLast);
  }

  // A small window of numbers around the current page keeps the bar on one line on a phone; past
  // the numbered pages, the last of them stands for the way back.
  const start = page ? Math.max(1, Math.min(page - 2, lastNumbered - 4)) : lastNumbered;
  const numbers = [];
  for (let n = start; n <= Math.min(lastNumbered, start + 4); n += 1) numbers.push(n);

  const from = number ? (number - 1) * perPage + 1 : null;
  const range = from && shown ? `${from}–${from + shown - 1}` : `${shown} ${noun}`;
  let count = `Showing ${shown} ${noun}`;
  if (hasTotal) count = total === 0 ? `No ${noun}` : `Showing ${range} of ${counted(total)}`;
  else if (totalExceeds) count = `Showing ${range} of more than ${counted(totalExceeds)}`;

  const item = (Component, to, text, state) =>
    to ? <Component as={Link} to={to} state={state} aria-label={text} /> : <Component disabled aria-label={text} />;

  return (
    <div className="d-flex flex-column flex-sm-row align-items-center justify-content-between gap-2 mt-3">
      <p className="text-body-secondary small mb-0" data-testid="result-count">
        {count}
      </p>
      {(lastNumbered > 1 || next || !page) && (
        <Pagination className="mb-0 flex-wrap justify-content-center" aria-label={label}>
          {item(Pagination.First, page === 1 ? null : toPage(1), 'First page')}
          {!previous && cameFromPrevious ? (
            <Pagination.Prev onClick={() => navigate(-1)} aria-label="Previous page" />
          ) : (
            item(Pagination.Prev, previous, 'Previous page')
          )}
          {numbers.map((n) => (
            <Pagination.Item key={n} active={n === page} as={Link} to={toPage(n)}>
              {n}
            </Pagination.Item>
          ))}
          {!page && (
            <Pagination.Item active aria-label={number ? `Page ${number}` : 'A later page'}>
              {number ?? '…'}
            </Pagination.Item>
          )}
          {item(Pagination.Next, next, 'Next page', { pageNumber: number ? number + 1 : null, fromPrevious: true })}
          {item(Pagination.Last, last, 'Last page')}
        </Pagination>
      )}
    </div>
  );
}
