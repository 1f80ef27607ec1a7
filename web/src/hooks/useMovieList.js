import api from '../api/client.js';
import usePagedList from './usePagedList.js';

const listMovies = (query) => api.listMovies(query);

/** One page of GET /api/movies for `query`; see usePagedList. */
export default function useMovieList(query, options) {
  return usePagedList(listMovies, query, options);
}
