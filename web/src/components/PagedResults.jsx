import Alert from 'react-bootstrap/Alert';
import Loading from './Loading.jsx';
import Pager from './Pager.jsx';

/**
 * What a page of a list shows around its items (`children`): a spinner while
 * the first page loads, `empty` when the page has none, and otherwise the
 * items, dimmed while the next page loads, above a <Pager>. `result`,
 * `error` and `loading` come from usePagedList; `items` is the page's list;
 * the other props (paging, perPage, label, noun) go to the <Pager>.
 */
export default function PagedResults({ result, items, error, loading, loadingLabel, empty, children, ...pager }) {
  return (
    <>
      {loading && !result && <Loading label={loadingLabel} />}

      {result && items.length === 0 && !error && (
        <Alert variant="light" className="border text-center py-4">
          {empty}
        </Alert>
      )}

      {result && items.length > 0 && (
        <div aria-busy={loading} className={loading ? 'opacity-50' : undefined}>
          {children}
          <Pager
            {...pager}
            total={result.total}
            totalExceeds={result.totalExceeds}
            links={result.links}
            shown={items.length}
          />
        </div>
      )}
    </>
  );
}
