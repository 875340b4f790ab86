/** The CSV side of the import, without a database: columns, cells, validation and line numbers. */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { releaseDateCell, streamsCell } from '../../src/import/csv-fields.js';
import { CsvLayoutError, readSongCsv, type SongCsvItem } from '../../src/import/song-csv-reader.js';
import { fixture, HEADER } from './support.js';

async function readAll(csv: string, chunks = 1): Promise<SongCsvItem[]> {
  // Split into several chunks too: a record cut across chunks must come out the same.
  const size = Math.ceil(csv.length / chunks);
  const parts = Array.from({ length: chunks }, (_, i) => Buffer.from(csv.slice(i * size, (i + 1) * size)));
  const items: SongCsvItem[] = [];
  for await (const item of readSongCsv(Readable.from(parts))) items.push(item);
  return items;
}

const lines = (items: SongCsvItem[]) => items.map((item) => (item.ok ? item.row.line : item.line));

describe('columns', () => {
  it('maps a header in any order, with released_on or releasedOn, and ignores other columns', async () => {
    for (const header of ['artist,releasedOn,name,streams,rank', 'Artist,Released On,Name,Streams,rank']) {
      const [item] = await readAll(`${header}\nNova Reyes,2021-03-14,Paper Lanterns,2.5,1\n`);
      expect(item).toEqual({
        ok: true,
        row: {
          line: 2,
          name: 'Paper Lanterns',
          artist: 'Nova Reyes',
          streams: 2.5,
          releasedOn: '2021-03-14',
        },
      });
    }
  });

  it('reads a file without a header (a bare export) in name, artist, streams, date order', async () => {
    const items = await readAll(
      'Blinding Lights,The Weeknd,4.567,29 November 2019\nSong,Artist,1,2020-01-01',
    );
    expect(items.map((item) => item.ok && item.row)).toEqual([
      { line: 1, name: 'Blinding Lights', artist: 'The Weeknd', streams: 4.567, releasedOn: '2019-11-29' },
      { line: 2, name: 'Song', artist: 'Artist', streams: 1, releasedOn: '2020-01-01' },
    ]);
  });

  it('refuses a header that lacks a column or names one twice', async () => {
    await expect(readAll('name,artist,streams\na,b,1\n')).rejects.toThrow(CsvLayoutError);
    await expect(readAll('name,artist,streams,released_on,releasedOn\n')).rejects.toThrow(/twice/);
    await expect(readAll('title,singer,plays\n')).rejects.toThrow(/header/);
  });

  it('reads an empty file or a header alone as no rows', async () => {
    expect(await readAll('')).toEqual([]);
    expect(await readAll(`${HEADER}\n`)).toEqual([]);
  });
});

describe('cells', () => {
  it('takes dates as YYYY-MM-DD or the long English form, and leaves anything else to the schema', () => {
    expect(releaseDateCell('29 November 2019')).toBe('2019-11-29');
    expect(releaseDateCell(' 1 february 2020 ')).toBe('2020-02-01');
    expect(releaseDateCell('2020-02-29')).toBe('2020-02-29');
    expect(releaseDateCell('31 February 2020')).toBe('2020-02-31'); // rejected by the schema
    expect(releaseDateCell('Nov 29, 2019')).toBe('Nov 29, 2019');
  });

  it('takes streams in decimal notation only', () => {
    expect(streamsCell(' 4.567 ')).toBe(4.567);
    expect(streamsCell('1e3')).toBe(1000);
    expect(streamsCell('.5')).toBe(0.5);
    for (const text of ['', '0x10', '1,5', 'abc', 'Infinity', '1.2.3']) expect(streamsCell(text)).toBeNaN();
  });
});

describe('validation', () => {
  it('reports each bad row with its line, field and reason, and keeps the good ones', async () => {
    const items = await readAll(fixture('dirty.csv'));
    expect(items.filter((item) => item.ok).map((item) => item.ok && item.row.line)).toEqual([2, 8, 11]);
    expect(items.flatMap((item) => (item.ok ? [] : item.errors))).toEqual([
      { line: 3, field: 'releasedOn', message: expect.stringContaining('real calendar date') },
      { line: 5, field: 'name', message: 'name must not be empty (got "")' },
      { line: 6, field: 'releasedOn', message: expect.stringContaining('"31 Smarch 2020"') },
      { line: 7, field: 'streams', message: 'streams must not be negative (got "-2")' },
      { line: 9, field: 'row', message: expect.stringContaining('expected 5 fields, found 6') },
    ]);
  });

  it('applies song.create rules: trimmed names, at most 200 characters, no NUL', async () => {
    const long = 'x'.repeat(201);
    const items = await readAll(
      `${HEADER}\n  Spaced  , Out ,1,2020-01-01\n${long},a,1,2020-01-01\n"a\0b",c,1,2020-01-01\n`,
    );
    expect(items[0]).toMatchObject({ ok: true, row: { name: 'Spaced', artist: 'Out' } });
    expect(items[1]).toMatchObject({ ok: false, errors: [{ line: 3, field: 'name' }] });
    expect(items[2]).toMatchObject({
      ok: false,
      errors: [{ line: 4, field: 'name', message: expect.stringMatching(/NUL/) }],
    });
  });
});

describe('line numbers', () => {
  it('count the header, blank lines and line breaks inside quoted fields (LF or CRLF)', async () => {
    const csv = [
      HEADER,
      '"Two',
      'Lines",a,1,2020-01-01',
      '',
      'b,"Three',
      '',
      'Lines",1,2020-01-01',
      'c,d,x,2020-01-01',
    ];
    for (const newline of ['\n', '\r\n']) {
      for (const chunks of [1, 7]) {
        const items = await readAll(csv.join(newline), chunks);
        expect(lines(items)).toEqual([2, 5, 8]);
        expect(items[2]).toMatchObject({ ok: false, errors: [{ line: 8, field: 'streams' }] });
      }
    }
  });

  it('point at the start of an unclosed quote, after the rows before it', async () => {
    const items = await readAll(`${HEADER}\na,b,1,2020-01-01\n"unclosed,b,1,2020-01-01\nc,d,1,2020-01-01\n`);
    expect(lines(items)).toEqual([2, 3]);
    expect(items[1]).toMatchObject({
      ok: false,
      errors: [{ line: 3, field: 'row', message: /Quote Not Closed/ }],
    });
  });
});
