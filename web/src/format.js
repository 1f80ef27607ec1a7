/** "2024-05-01T10:00:00Z" -> "1 May 2024" in the reader's locale; '' for missing values. */
export function formatDate(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return date.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

/** 132 -> "2 h 12 min", 45 -> "45 min"; '' when the runtime is unknown. */
export function formatRuntime(minutes) {
  if (!minutes) return '';
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (!hours) return `${rest} min`;
  return rest ? `${hours} h ${rest} min` : `${hours} h`;
}

/** What goes before item `index` of `count` in "A, B and C": '', ', ' or ' and '. */
export function separatorBefore(index, count) {
  if (index === 0) return '';
  return index === count - 1 ? ' and ' : ', ';
}

/** "1 rating", "12 ratings": `count` of `noun` with its plural. */
export function countOf(count, noun) {
  return `${count} ${count === 1 ? noun : `${noun}s`}`;
}
