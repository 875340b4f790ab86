/**
 * The output schemas as a frontend uses them (`@songs-api/client/schemas`): to check what it
 * received. A song arrives with `releasedOn` already "YYYY-MM-DD"; the server itself hands them
 * a `Date` from the database, which they turn into that string.
 */
import { describe, expect, it } from 'vitest';
import { songInfiniteOutput, songListOutput, songSchema } from '../../src/songs/schemas.js';

const received = {
  id: '0190a3c8-0000-7000-8000-000000000001',
  name: 'Levitating',
  artist: 'Dua Lipa',
  streams: 2.1,
  releasedOn: '2020-03-27',
  createdAt: new Date('2024-01-01T00:00:00.000Z'),
  updatedAt: new Date('2024-01-02T00:00:00.000Z'),
};

describe('songSchema', () => {
  it('takes a song as the API sends it, unchanged', () => {
    expect(songSchema.parse(received)).toEqual(received);
  });

  it('turns the database’s Date into its "YYYY-MM-DD"', () => {
    const stored = { ...received, releasedOn: new Date('2020-03-27T00:00:00.000Z') };
    expect(songSchema.parse(stored).releasedOn).toBe('2020-03-27');
  });

  it.each(['27/03/2020', '2020-03-27T00:00:00Z', ' 2020-03-27'])(
    'refuses a releasedOn of %j',
    (releasedOn) => {
      expect(songSchema.safeParse({ ...received, releasedOn }).success).toBe(false);
    },
  );
});

describe('the page outputs', () => {
  const page = { items: [received], total: 1, limit: 50, offset: 0 };

  it('take a list page and an infinite page as the API sends them', () => {
    expect(songListOutput.parse(page)).toEqual(page);
    expect(songInfiniteOutput.parse({ items: [received], nextCursor: null })).toEqual({
      items: [received],
      nextCursor: null,
    });
  });

  it.each(['total', 'limit', 'offset'])('refuse a %s that is not an integer', (field) => {
    expect(songListOutput.safeParse({ ...page, [field]: 1.5 }).success).toBe(false);
  });
});
