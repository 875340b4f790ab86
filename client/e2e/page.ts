/**
 * A minimal frontend on the built client (../dist), for tests/client/browser.e2e.ts: it lists the
 * songs from the server it was loaded from and adds one from a form, showing the server's
 * validation errors field by field. `data-state` attributes tell the test when each step is done.
 */
import { createSongsClient, isSongsClientError, type Song } from '../dist/index.js';

const songs = createSongsClient({ url: new URL('/trpc', window.location.href).href });

function element<T extends HTMLElement>(selector: string): T {
  const found = document.querySelector<T>(selector);
  if (!found) throw new Error(`index.html has no ${selector}`);
  return found;
}

function songItem(song: Song): HTMLLIElement {
  const item = document.createElement('li');
  item.dataset.id = song.id;
  // A calendar date arrives as "YYYY-MM-DD": shown as is, it is the same day in every time zone.
  item.dataset.releasedOn = song.releasedOn;
  item.textContent = `${song.name} by ${song.artist} (${song.streams}B streams)`;
  return item;
}

async function showSongs(): Promise<void> {
  const summary = element('#summary');
  const { items, total } = await songs.song.list.query({ orderBy: ['-streams'], limit: 10 });
  element('#songs').replaceChildren(...items.map(songItem));
  summary.textContent = `${total} songs`;
  summary.dataset.state = 'loaded';
}

async function addSong(form: HTMLFormElement): Promise<void> {
  const result = element('#form-result');
  const fields = new FormData(form);
  try {
    const song = await songs.song.create.mutate({
      name: String(fields.get('name') ?? ''),
      artist: String(fields.get('artist') ?? ''),
      streams: Number(fields.get('streams')),
      releasedOn: String(fields.get('releasedOn') ?? ''),
    });
    result.textContent = `Added ${song.name}`;
    result.dataset.state = 'added';
    await showSongs();
  } catch (error) {
    if (!isSongsClientError(error)) throw error;
    const fieldErrors = error.data?.zodError?.fieldErrors ?? {};
    result.replaceChildren(
      ...Object.entries(fieldErrors).map(([field, messages]) => {
        const line = document.createElement('span');
        line.dataset.field = field;
        line.textContent = `${field}: ${messages?.join(', ')}`;
        return line;
      }),
    );
    result.dataset.code = error.data?.code ?? 'UNKNOWN';
    result.dataset.state = 'error';
  }
}

element<HTMLFormElement>('#new-song').addEventListener('submit', (event) => {
  event.preventDefault();
  void addSong(event.currentTarget as HTMLFormElement);
});

showSongs().catch((error: unknown) => {
  const summary = element('#summary');
  summary.textContent = `Could not load songs: ${String(error)}`;
  summary.dataset.state = 'failed';
});
