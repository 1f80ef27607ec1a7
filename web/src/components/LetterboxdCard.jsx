import { useState } from 'react';
import Alert from 'react-bootstrap/Alert';
import Button from 'react-bootstrap/Button';
import Card from 'react-bootstrap/Card';
import Form from 'react-bootstrap/Form';
import ListGroup from 'react-bootstrap/ListGroup';
import { Link } from 'react-router-dom';
import api from '../api/client.js';
import ErrorAlert from './ErrorAlert.jsx';
import MovieFormModal from './MovieFormModal.jsx';
import SubmitButton from './SubmitButton.jsx';

// The files of a Letterboxd export the API reads, by the form part each goes in.
const CSV_PARTS = { 'ratings.csv': 'ratings', 'reviews.csv': 'reviews', 'watchlist.csv': 'watchlist' };
export const WRONG_FILES =
  'Choose the zip Letterboxd exports, or any of its ratings.csv, reviews.csv and watchlist.csv.';

/**
 * The form the API takes for the chosen files: one zip as `export`, or the export's CSV files
 * under their parts. Null when the files are neither (nothing is sent then).
 */
export function letterboxdForm(files) {
  const chosen = [...files];
  const form = new FormData();
  if (chosen.length === 1 && chosen[0].name.toLowerCase().endsWith('.zip')) {
    form.append('export', chosen[0]);
    return form;
  }
  const parts = chosen.map((file) => CSV_PARTS[file.name.toLowerCase()]);
  if (!chosen.length || parts.some((part) => !part) || new Set(parts).size !== parts.length) return null;
  chosen.forEach((file, index) => form.append(parts[index], file));
  return form;
}

function plural(count, one, many) {
  return `${count} ${count === 1 ? one : many}`;
}

/** "3.5 stars" for a score of 7. */
function stars(score) {
  const value = score / 2;
  return `${value} ${value === 1 ? 'star' : 'stars'}`;
}

/** What the export holds of a title the catalogue lacks, in words: "rated 3.5 stars, reviewed". */
function held(title) {
  const words = [];
  if (title.score !== null) words.push(`rated ${stars(title.score)}`);
  if (title.review !== null) words.push('reviewed');
  if (title.kinds.includes('watchlist')) words.push('on your watchlist');
  return words.join(', ');
}

function label(title) {
  return title.year ? `${title.name} (${title.year})` : title.name;
}

/** The fields of the add-movie form for a title: its name and year, the rest for the person to fill. */
function prefill(title) {
  const empty = { runtime_minutes: null, directors: [], casts: [], genres: [], overview: '' };
  return { ...empty, name: title.name, year: title.year };
}

/** Saves a browser download of `blob` as `filename`. */
function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

/** The problems the API found in the files, by file and line. */
function Problems({ error }) {
  const files = Object.entries((error && error.status === 400 && error.errors) || {});
  if (!files.length) return null;
  return (
    <Alert variant="danger" className="my-3" data-testid="letterboxd-problems">
      <p className="mb-2">{error.message}</p>
      {files.map(([file, messages]) => (
        <div key={file}>
          <h3 className="h6 mb-1">{file}</h3>
          <ul className="mb-2 small">
            {messages.map((message) => (
              <li key={message}>{message}</li>
            ))}
          </ul>
        </div>
      ))}
    </Alert>
  );
}

/** One title the catalogue lacks, with the button that adds it. */
function UnmatchedTitle({ title, added, onAdd }) {
  return (
    <ListGroup.Item
      className="d-flex flex-wrap align-items-center justify-content-between gap-2"
      data-testid="unmatched-title"
    >
      <div className="min-width-0">
        <div className="text-break">{label(title)}</div>
        <div className="small text-body-secondary">{held(title)}</div>
      </div>
      {added && added.pending && <span className="small text-body-secondary">Adding…</span>}
      {added && !added.pending && (
        <span className={`small ${added.error ? 'text-danger' : 'text-success'}`}>
          {added.error
            ? `Added, but your rating, review or watchlist place did not follow: ${added.error.message} `
            : 'Added: '}
          <Link to={`/movies/${added.movie.id}`}>see it</Link>
        </span>
      )}
      {!added && (
        <Button variant="outline-primary" size="sm" onClick={onAdd} aria-label={`Add to catalogue: ${label(title)}`}>
          Add to catalogue
        </Button>
      )}
    </ListGroup.Item>
  );
}

/** What an import did, and the titles the catalogue lacks, each to add with one click. */
function Report({ report, added, onAdd }) {
  const { imported, unmatched } = report;
  return (
    <div className="mt-3" data-testid="letterboxd-report" aria-live="polite">
      <p className="mb-2">
        Imported {plural(imported.ratings, 'rating', 'ratings')}, {plural(imported.reviews, 'review', 'reviews')} and{' '}
        {plural(imported.watchlist, 'movie', 'movies')} on your watchlist.
      </p>
      {unmatched.length > 0 && (
        <>
          <p className="mb-2">
            {plural(unmatched.length, 'title is', 'titles are')} not in the catalogue yet. Add one and your rating,
            review and watchlist place for it come along.
          </p>
          <ListGroup>
            {unmatched.map((title, index) => (
              <UnmatchedTitle
                key={`${index}-${title.name}`}
                title={title}
                added={added[index]}
                onAdd={() => onAdd(index)}
              />
            ))}
          </ListGroup>
        </>
      )}
    </div>
  );
}

/** Letterboxd in and out: import one's export (with the titles to add), export one's own. */
export default function LetterboxdCard() {
  const [files, setFiles] = useState([]);
  const [choiceError, setChoiceError] = useState(null);
  const [importing, setImporting] = useState(false);
  const [importError, setImportError] = useState(null);
  const [report, setReport] = useState(null);
  // {index in report.unmatched: the movie created for it}
  const [added, setAdded] = useState({});
  const [adding, setAdding] = useState(null);
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState(null);

  async function handleImport(event) {
    event.preventDefault();
    const form = letterboxdForm(files);
    setChoiceError(form ? null : WRONG_FILES);
    setImportError(null);
    if (!form) return;
    setImporting(true);
    setReport(null);
    setAdded({});
    try {
      setReport(await api.importLetterboxd(form));
    } catch (err) {
      setImportError(err);
    } finally {
      setImporting(false);
    }
  }

  /**
   * Adds the title to the catalogue (a refusal stays in the form), then gives the new movie what the
   * export held of it: the score, the review, the watchlist place.
   */
  async function addTitle(fields) {
    const index = adding;
    const title = report.unmatched[index];
    const movie = await api.createMovie(fields);
    setAdding(null);
    setAdded((before) => ({ ...before, [index]: { movie, pending: true } }));
    let error = null;
    try {
      if (title.score !== null) await api.rateMovie(movie.id, title.score);
      if (title.review !== null) await api.createReview(movie.id, title.review);
      if (title.kinds.includes('watchlist')) await api.addToWatchlist(movie.id);
    } catch (failure) {
      error = failure;
    }
    setAdded((before) => ({ ...before, [index]: { movie, error } }));
  }

  async function handleExport() {
    setExporting(true);
    setExportError(null);
    try {
      const blob = await api.exportLetterboxd();
      download(blob, `movie-bag-letterboxd-${new Date().toISOString().slice(0, 10)}.zip`);
    } catch (err) {
      setExportError(err);
    } finally {
      setExporting(false);
    }
  }

  const problems = importError && importError.status === 400 && Object.keys(importError.errors || {}).length > 0;

  return (
    <Card className="shadow-sm mb-4" as="section" aria-labelledby="letterboxd-title">
      <Card.Body className="p-4">
        <h2 id="letterboxd-title" className="h5 mb-1">
          Letterboxd
        </h2>
        <p className="text-body-secondary">
          Bring your ratings, reviews and watchlist in from a Letterboxd export (the zip from Letterboxd&apos;s
          Settings, Data, Export your data), or take yours out in the same layout.
        </p>
        {problems ? <Problems error={importError} /> : <ErrorAlert error={importError} />}
        <Form noValidate onSubmit={handleImport} aria-label="Import from Letterboxd" style={{ maxWidth: 520 }}>
          <Form.Group className="mb-3" controlId="letterboxd-files">
            <Form.Label>Letterboxd export</Form.Label>
            <Form.Control
              type="file"
              accept=".zip,.csv,application/zip,text/csv"
              multiple
              onChange={(event) => setFiles([...event.target.files])}
              isInvalid={Boolean(choiceError)}
              aria-describedby="letterboxd-files-help"
            />
            <Form.Control.Feedback type="invalid">{choiceError}</Form.Control.Feedback>
            <Form.Text id="letterboxd-files-help">The zip, or its ratings.csv, reviews.csv and watchlist.csv.</Form.Text>
          </Form.Group>
          <div className="d-flex flex-wrap gap-2">
            <SubmitButton busy={importing}>Import from Letterboxd</SubmitButton>
            <Button variant="outline-secondary" onClick={handleExport} disabled={exporting}>
              {exporting ? 'Preparing…' : 'Export to Letterboxd'}
            </Button>
          </div>
        </Form>
        <ErrorAlert error={exportError} />
        {report && <Report report={report} added={added} onAdd={setAdding} />}
      </Card.Body>
      <MovieFormModal
        show={adding !== null}
        title="Add to the catalogue"
        movie={adding !== null ? prefill(report.unmatched[adding]) : null}
        onSave={addTitle}
        onHide={() => setAdding(null)}
      />
    </Card>
  );
}
