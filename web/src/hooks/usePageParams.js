import { useCallback } from 'react';
import { useLocation, useNavigate, useSearchParams } from 'react-router-dom';

/** `value` as a page number: a whole number from 1, else 1. */
export function positivePage(value) {
  const page = Number(value);
  return Number.isInteger(page) && page > 0 ? page : 1;
}

/**
 * Which page of a list the URL asks for: a numbered one (`?page=`, 1 when absent) or one a
 * Link header's rel="next" led to (`?cursor=`, opaque: never built here, only followed).
 * Returns {params, setParams, page, cursor, pageQuery, toPage, toCursor}: `page` is null on a
 * cursor page, where the router state may know its number (`numberOnCursor`) and whether the
 * page before it is one step back in the history (`cameFromPrevious`); `pageQuery` is
 * what the API is asked for; `toPage(n)` and `toCursor(c)` are router locations keeping the
 * URL's other parameters (its filters), and `goToPage(n, options)` goes to the first.
 */
export default function usePageParams() {
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const cursor = params.get('cursor') || null;
  const page = cursor ? null : positivePage(params.get('page'));

  const { pathname } = location;
  const locationWith = useCallback(
    (name, value) => {
      const next = new URLSearchParams(params);
      next.delete('page');
      next.delete('cursor');
      if (value) next.set(name, String(value));
      const search = next.toString();
      return { pathname, search: search ? `?${search}` : '' };
    },
    [params, pathname],
  );
  const toPage = useCallback((n) => locationWith('page', n > 1 ? n : null), [locationWith]);
  const goToPage = useCallback((n, options) => navigate(toPage(n), options), [navigate, toPage]);
  return {
    params,
    setParams,
    page,
    cursor,
    // Handed on by the pager's Next link: a cursor page's number, and that the page before is one step back.
    numberOnCursor: (cursor && location.state && location.state.pageNumber) || null,
    cameFromPrevious: Boolean(cursor && location.state && location.state.fromPrevious),
    pageQuery: cursor ? { cursor } : { page },
    toPage,
    toCursor: (next) => locationWith('cursor', next),
    goToPage,
  };
}
