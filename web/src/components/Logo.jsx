/** The film-frame mark, inline so it renders without any icon font or emoji font. */
export default function Logo({ size = 24 }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect x="4" y="7" width="24" height="18" rx="3" fill="none" stroke="#ffc107" strokeWidth="2.5" />
      <path d="M13.5 11.5v9l7.5-4.5z" fill="#ffc107" />
    </svg>
  );
}
