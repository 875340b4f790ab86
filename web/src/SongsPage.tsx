/**
 * The songs page: a filter bar, a table sorted by any column, pages of song.infinite loaded as
 * the table scrolls, and a form to create or edit a song. `data-state` attributes let the browser
 * test (tests/client/browser.e2e.ts) know when a step is done.
 */
import { calendarDateString, formatCalendarDate, isSongsClientError, type Song } from '@songs-api/client';
import { useTRPC } from '@songs-api/client/react';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useApiKey } from './api-key.js';
import {
  EMPTY_FILTERS,
  type FilterFields,
  type Sort,
  type SortField,
  toOrderBy,
  toSongFilter,
} from './filters.js';
import { SongForm } from './SongForm.js';

const PAGE_SIZE = 25;
const COLUMNS: { field: SortField; label: string; numeric?: boolean }[] = [
  { field: 'name', label: 'Name' },
  { field: 'artist', label: 'Artist' },
  { field: 'streams', label: 'Streams (billions)', numeric: true },
  { field: 'releasedOn', label: 'Released' },
];

/** `value`, once it has stopped changing for `ms`: a query per pause in typing, not per key. */
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export function SongsPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [fields, setFields] = useState<FilterFields>(EMPTY_FILTERS);
  const [sort, setSort] = useState<Sort>({ field: 'streams', descending: true });
  const [editing, setEditing] = useState<Song | 'new' | null>(null);
  const [notice, setNotice] = useState('');
  const filter = toSongFilter(useDebounced(fields, 250));

  const songs = useInfiniteQuery(
    trpc.song.infinite.infiniteQueryOptions(
      { ...filter, orderBy: toOrderBy(sort), limit: PAGE_SIZE },
      { getNextPageParam: (page) => page.nextCursor },
    ),
  );
  const total = useQuery(trpc.song.list.queryOptions({ ...filter, limit: 1 }));
  const rows = songs.data?.pages.flatMap((page) => page.items) ?? [];

  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.song.pathKey() });
  const remove = useMutation(
    trpc.song.delete.mutationOptions({
      onSuccess: (song) => {
        setNotice(`Deleted “${song.name}”`);
        return refresh();
      },
      onError: (error) => setNotice(`Could not delete: ${errorText(error)}`),
    }),
  );
  const confirmDelete = (song: Song) => {
    if (window.confirm(`Delete “${song.name}” by ${song.artist}?`)) {
      remove.mutate({ id: song.id });
    }
  };

  return (
    <main>
      <PageHeader />
      <FilterBar fields={fields} onChange={setFields} />
      <p className="summary" id="summary" data-state={songs.isPending ? 'loading' : 'loaded'}>
        {songs.isError
          ? `Could not load songs: ${errorText(songs.error)}`
          : `${rows.length} of ${total.data?.total ?? '…'} songs shown`}
        <button type="button" onClick={() => setEditing('new')}>
          New song
        </button>
      </p>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {editing && (
        <SongForm
          song={editing === 'new' ? undefined : editing}
          onDone={(message) => {
            setEditing(null);
            setNotice(message);
            void refresh();
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      <table>
        <SortableHead sort={sort} onSort={setSort} />
        <tbody id="songs">
          {rows.map((song) => (
            <SongRow key={song.id} song={song} onEdit={setEditing} onDelete={confirmDelete} />
          ))}
        </tbody>
        <MoreRows pages={songs} empty={rows.length === 0} />
      </table>
    </main>
  );
}

/** The title and the API key used for writes (kept for the browser session). */
function PageHeader() {
  const [apiKey, setApiKey] = useApiKey();
  return (
    <header>
      <h1>Songs</h1>
      <label className="api-key">
        API key (for changes)
        <input
          name="apiKey"
          type="password"
          autoComplete="off"
          value={apiKey}
          onChange={(event) => setApiKey(event.target.value)}
        />
      </label>
    </header>
  );
}

const FILTER_INPUTS: { name: keyof FilterFields; label: string; type: string }[] = [
  { name: 'nameContains', label: 'Name contains', type: 'text' },
  { name: 'artistContains', label: 'Artist contains', type: 'text' },
  { name: 'streamsGte', label: 'Streams ≥', type: 'number' },
  { name: 'streamsLte', label: 'Streams ≤', type: 'number' },
  { name: 'releasedOnGte', label: 'Released from', type: 'date' },
  { name: 'releasedOnLte', label: 'Released until', type: 'date' },
];

function FilterBar(props: { fields: FilterFields; onChange: (fields: FilterFields) => void }) {
  const { fields, onChange } = props;
  return (
    <form className="filters" onSubmit={(event) => event.preventDefault()}>
      {FILTER_INPUTS.map(({ name, label, type }) => (
        <label key={name}>
          {label}
          <input
            name={name}
            type={type}
            step={type === 'number' ? 'any' : undefined}
            value={fields[name]}
            onChange={(event) => onChange({ ...fields, [name]: event.target.value })}
          />
        </label>
      ))}
      <button type="button" onClick={() => onChange(EMPTY_FILTERS)}>
        Clear
      </button>
    </form>
  );
}

/** Column headers that sort: a click sorts by that column, a second click reverses it. */
function SortableHead(props: { sort: Sort; onSort: (sort: Sort) => void }) {
  const { sort, onSort } = props;
  return (
    <thead>
      <tr>
        {COLUMNS.map((column) => {
          const active = sort.field === column.field;
          return (
            <th
              key={column.field}
              aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : undefined}
            >
              <button
                type="button"
                data-sort={column.field}
                onClick={() =>
                  onSort({
                    field: column.field,
                    descending: active ? !sort.descending : Boolean(column.numeric),
                  })
                }
              >
                {column.label}
                {active ? (sort.descending ? ' ▼' : ' ▲') : ''}
              </button>
            </th>
          );
        })}
        <th>Actions</th>
      </tr>
    </thead>
  );
}

function SongRow(props: { song: Song; onEdit: (song: Song) => void; onDelete: (song: Song) => void }) {
  const { song } = props;
  return (
    <tr data-id={song.id}>
      <td data-column="name">{song.name}</td>
      <td data-column="artist">{song.artist}</td>
      <td data-column="streams" className="numeric">
        {song.streams}
      </td>
      <td data-column="releasedOn">
        <time dateTime={calendarDateString(song.releasedOn)}>{formatCalendarDate(song.releasedOn)}</time>
      </td>
      <td>
        <button type="button" onClick={() => props.onEdit(song)}>
          Edit
        </button>
        <button type="button" onClick={() => props.onDelete(song)}>
          Delete
        </button>
      </td>
    </tr>
  );
}

/** Infinite scroll: the row after the table asks for the next page when it comes into view. */
function MoreRows(props: {
  pages: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => Promise<unknown> };
  empty: boolean;
}) {
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = props.pages;
  const sentinel = useRef<HTMLTableRowElement>(null);
  useEffect(() => {
    const element = sentinel.current;
    if (!element || !hasNextPage) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  const status = isFetchingNextPage
    ? 'Loading more…'
    : hasNextPage
      ? ''
      : props.empty
        ? 'No songs'
        : 'End of list';
  return (
    <tfoot>
      <tr ref={sentinel} id="more" data-state={hasNextPage ? 'more' : 'end'}>
        <td colSpan={COLUMNS.length + 1}>{status}</td>
      </tr>
    </tfoot>
  );
}

/** What to tell the user about a failed call. */
export function errorText(error: unknown): string {
  if (!isSongsClientError(error)) return String(error);
  switch (error.data?.code) {
    case 'UNAUTHORIZED':
      return 'enter an API key with the songs:write scope';
    case 'FORBIDDEN':
      return 'this API key may not change songs';
    case 'PRECONDITION_FAILED':
      return 'the song changed since you loaded it; reload and try again';
    default:
      return error.message;
  }
}
