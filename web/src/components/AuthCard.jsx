import Card from 'react-bootstrap/Card';

/**
 * The narrow centred card of the signed-out pages (signup, login, forgotten
 * and reset password): `notices` above it, `title` and `children` in it,
 * `footer` (a link elsewhere) below it.
 */
export default function AuthCard({ title, notices, footer, children }) {
  return (
    <div className="mx-auto" style={{ maxWidth: 420 }}>
      {notices}
      <Card className="shadow-sm">
        <Card.Body className="p-4">
          <h1 className="h4 mb-3">{title}</h1>
          {children}
        </Card.Body>
      </Card>
      <p className="text-center mt-3">{footer}</p>
    </div>
  );
}
