/** The filter bar's text fields, and the song.infinite input they stand for. */
import type { SongFilter, SongSortKey } from '@songs-api/client';

export interface FilterFields {
  nameContains: string;
  artistContains: string;
  streamsGte: string;
  streamsLte: string;
  releasedOnGte: string;
  releasedOnLte: string;
}

export const EMPTY_FILTERS: FilterFields = {
  nameContains: '',
  artistContains: '',
  streamsGte: '',
  streamsLte: '',
  releasedOnGte: '',
  releasedOnLte: '',
};

/** Only the fields that hold something; numbers that do not parse are left out, not sent as NaN. */
export function toSongFilter(fields: FilterFields): SongFilter {
  const filter: SongFilter = {};
  const text = (value: string) => value.trim() || undefined;
  const number = (value: string) =>
    value.trim() === '' || !Number.isFinite(Number(value)) ? undefined : Number(value);
  const entries = {
    nameContains: text(fields.nameContains),
    artistContains: text(fields.artistContains),
    streamsGte: number(fields.streamsGte),
    streamsLte: number(fields.streamsLte),
    // Date inputs give "YYYY-MM-DD", which is what the API takes: no Date, no time zone.
    releasedOnGte: text(fields.releasedOnGte),
    releasedOnLte: text(fields.releasedOnLte),
  };
  for (const [key, value] of Object.entries(entries)) {
    if (value !== undefined) Object.assign(filter, { [key]: value });
  }
  return filter;
}

export type SortField = 'name' | 'artist' | 'streams' | 'releasedOn' | 'createdAt';

export interface Sort {
  field: SortField;
  descending: boolean;
}

export function toOrderBy(sort: Sort): SongSortKey[] {
  return [sort.descending ? `-${sort.field}` : sort.field];
}
