import { useEffect, useState } from 'react';
import api from '../api/client.js';

/**
 * What the catalogue can be filtered on, for its pickers: {genres, directors}, each
 * [{name, count}] most frequent first, from GET /api/genres and /api/directors. Either stays []
 * when its list cannot be had: the filters work without suggestions.
 */
export default function useFilterChoices() {
  const [choices, setChoices] = useState({ genres: [], directors: [] });
  useEffect(() => {
    let live = true;
    const keep = (name) => (list) => {
      if (live && Array.isArray(list)) setChoices((current) => ({ ...current, [name]: list }));
    };
    api.listGenres().then(keep('genres'), () => {});
    api.listDirectors().then(keep('directors'), () => {});
    return () => {
      live = false;
    };
  }, []);
  return choices;
}
