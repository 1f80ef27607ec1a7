import Button from 'react-bootstrap/Button';

/**
 * A form's Cancel. Pressing it with the mouse does not take the focus from the field being
 * typed in: that blur would show the field's check message, whose new line can push the
 * button away from under the pointer before the click lands.
 */
export default function CancelButton({ onClick, disabled, children = 'Cancel' }) {
  return (
    <Button
      variant="outline-secondary"
      onMouseDown={(event) => event.preventDefault()}
      onClick={onClick}
      disabled={disabled}
    >
      {children}
    </Button>
  );
}
