import Button from 'react-bootstrap/Button';
import Table from 'react-bootstrap/Table';

/**
 * A table of records whose last column holds each row's action buttons:
 * `columns` are the header cells before it, `children` the rows.
 */
export default function ActionsTable({ columns, children }) {
  return (
    <Table hover responsive className="align-middle bg-white shadow-sm">
      <thead>
        <tr>
          {columns}
          <th scope="col" className="text-end">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </Table>
  );
}

/** A row's Delete button; `name` tells screen readers which row it deletes. */
export function DeleteRowButton({ name, onClick }) {
  return (
    <Button variant="outline-danger" size="sm" onClick={onClick} aria-label={`Delete ${name}`}>
      Delete
    </Button>
  );
}
