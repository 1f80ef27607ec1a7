import { useEffect, useState } from 'react';
import Alert from 'react-bootstrap/Alert';
import Badge from 'react-bootstrap/Badge';
import Button from 'react-bootstrap/Button';
import Form from 'react-bootstrap/Form';
import { Link } from 'react-router-dom';
import api from '../api/client.js';
import { useAuth } from '../auth/AuthProvider.jsx';
import { DeleteRowButton } from '../components/ActionsTable.jsx';
import ConfirmModal from '../components/ConfirmModal.jsx';
import ErrorAlert from '../components/ErrorAlert.jsx';
import Notice from '../components/Notice.jsx';
import PagedResults from '../components/PagedResults.jsx';
import UserFormModal from '../components/UserFormModal.jsx';
import { formatDate } from '../format.js';
import usePageParams from '../hooks/usePageParams.js';
import usePagedList from '../hooks/usePagedList.js';

export const PER_PAGE = 20;

const listUsers = (query) => api.listUsers(query);

/**
 * An email address on one line, never broken mid-address: one too long for its line ends in an
 * ellipsis, and its title (a tooltip) holds it whole; screen readers read it whole.
 */
function EmailText({ email }) {
  return (
    <span className="email-text" title={email}>
      {email}
    </span>
  );
}

/** The admins' table of accounts: search, paging, admin rights, delete and create. */
function UserAdmin({ me }) {
  const { verify } = useAuth();
  const paging = usePageParams();
  const { page, params, setParams } = paging;
  const q = params.get('q') || '';
  const { result, error, loading, reload } = usePagedList(listUsers, { q, ...paging.pageQuery, per_page: PER_PAGE });

  const [draft, setDraft] = useState(q);
  // Follow the URL when it changes under us (back button, nav link).
  useEffect(() => setDraft(q), [q]);
  const [notice, setNotice] = useState(null);
  const [actionError, setActionError] = useState(null);
  const [toggling, setToggling] = useState(null);
  const [deleting, setDeleting] = useState(null);
  const [adding, setAdding] = useState(false);

  function search(text) {
    const next = new URLSearchParams();
    if (text) next.set('q', text);
    setParams(next);
  }

  async function toggleAdmin(account) {
    setToggling(account.id);
    setActionError(null);
    setNotice(null);
    try {
      const saved = await api.setAdmin(account.id, !account.is_admin);
      setNotice(saved.is_admin ? `${saved.email} is now an admin.` : `${saved.email} is no longer an admin.`);
      reload();
      // Someone who gave up their own rights may no longer be on this page.
      if (account.id === me.id) await verify();
    } catch (err) {
      setActionError(err);
    } finally {
      setToggling(null);
    }
  }

  async function remove(account) {
    await api.deleteUser(account.id);
    setDeleting(null);
    setNotice(`Deleted ${account.email} and their movies.`);
    // The last row of a later page is gone: show the page before instead of an empty one.
    if (result && result.users.length === 1 && page > 1) paging.goToPage(page - 1);
    else reload();
  }

  async function create(fields) {
    const created = await api.createUser(fields);
    setAdding(false);
    setNotice(`Created ${created.email}${created.is_admin ? ' as an admin' : ''}.`);
    // Newest first: the new account heads the unfiltered first page.
    if (q || page !== 1) setParams(new URLSearchParams());
    else reload();
  }

  const users = result ? result.users : [];

  return (
    <>
      <div className="d-flex flex-wrap align-items-center justify-content-between gap-2 mb-3">
        <h1 className="h3 mb-0">Users</h1>
        <Button onClick={() => setAdding(true)}>+ Add user</Button>
      </div>

      <Form
        role="search"
        className="mb-3"
        onSubmit={(event) => {
          event.preventDefault();
          search(draft.trim());
        }}
      >
        <Form.Label htmlFor="user-search">Search by email</Form.Label>
        <div className="d-flex gap-2" style={{ maxWidth: 480 }}>
          <Form.Control
            id="user-search"
            type="search"
            placeholder="Part of an email…"
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
          />
          <Button type="submit" variant="outline-primary">
            Search
          </Button>
        </div>
      </Form>

      <Notice notice={notice} onClose={() => setNotice(null)} />
      <ErrorAlert error={error} onRetry={reload} />
      <ErrorAlert error={actionError} />

      <PagedResults
        result={result}
        items={users}
        error={error}
        loading={loading}
        loadingLabel="Loading users…"
        empty={
          q ? (
            <>
              <p className="mb-2">No email contains “{q}”.</p>
              <Button variant="outline-primary" size="sm" onClick={() => search('')}>
                Clear search
              </Button>
            </>
          ) : (
            <p className="mb-0">There are no users.</p>
          )
        }
        paging={paging}
        perPage={PER_PAGE}
        label="User pages"
        noun="users"
      >
        <ul className="list-group shadow-sm" aria-label="Users">
          {users.map((account) => (
            <li
              key={account.id}
              className="list-group-item d-flex flex-wrap align-items-center column-gap-3 row-gap-2 user-row"
              data-testid="user-row"
            >
              <div className="user-who min-width-0">
                <div className="fw-semibold text-break" data-testid="user-display-name">
                  {account.display_name}
                  {account.id === me.id && (
                    <Badge bg="secondary-subtle" text="secondary-emphasis" className="ms-2 fw-normal">
                      you
                    </Badge>
                  )}
                </div>
                <div className="small text-body-secondary" data-testid="user-email">
                  <EmailText email={account.email} />
                </div>
              </div>
              <Form.Check
                type="switch"
                role="switch"
                id={`admin-${account.id}`}
                label="Admin"
                aria-label={`Admin rights for ${account.email}`}
                className="mb-0 text-nowrap"
                checked={account.is_admin}
                disabled={toggling === account.id}
                onChange={() => toggleAdmin(account)}
              />
              <div className="d-none d-sm-block small text-body-secondary text-nowrap user-joined">
                Joined {formatDate(account.created_at)}
              </div>
              <div className="ms-auto ms-sm-0 text-end user-actions">
                {account.id === me.id ? (
                  <Link to="/account" className="small">
                    Your account
                  </Link>
                ) : (
                  <DeleteRowButton name={account.email} onClick={() => setDeleting(account)} />
                )}
              </div>
            </li>
          ))}
        </ul>
      </PagedResults>

      <UserFormModal show={adding} onSave={create} onHide={() => setAdding(false)} />
      <ConfirmModal
        show={Boolean(deleting)}
        title="Delete user"
        onConfirm={() => remove(deleting)}
        onHide={() => setDeleting(null)}
      >
        <p className="mb-0">
          Delete <strong>{deleting?.display_name}</strong> (<EmailText email={deleting?.email ?? ''} />) and every
          movie they added? This cannot be undone.
        </p>
      </ConfirmModal>
    </>
  );
}

/** /admin/users: account management for admins; everyone else is told it is not for them. */
export default function AdminUsers() {
  const { user } = useAuth();
  if (!user.is_admin) {
    return (
      <Alert variant="secondary">
        <Alert.Heading as="h1" className="h5">
          Users
        </Alert.Heading>
        <p>Only admins can see this page.</p>
        <Link to="/">Go to the catalogue</Link>
      </Alert>
    );
  }
  return <UserAdmin me={user} />;
}
