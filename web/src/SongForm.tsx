/**
 * Create or edit a song. Nothing is validated here: the server's own rules answer, and its field
 * errors (`error.data.zodError.fieldErrors`) are shown next to the fields they name.
 */
import { calendarDateString, isSongsClientError, type Song } from '@songs-api/client';
import { useTRPC } from '@songs-api/client/react';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorText } from './SongsPage.js';

type Field = 'name' | 'artist' | 'streams' | 'releasedOn';
type Values = Record<Field, string>;
type FieldErrors = Partial<Record<Field, string[]>>;

const LABELS: Record<Field, string> = {
  name: 'Name',
  artist: 'Artist',
  streams: 'Streams (billions)',
  releasedOn: 'Released on',
};

function initialValues(song: Song | undefined): Values {
  if (!song) return { name: '', artist: '', streams: '', releasedOn: '' };
  return {
    name: song.name,
    artist: song.artist,
    streams: String(song.streams),
    releasedOn: calendarDateString(song.releasedOn),
  };
}

export function SongForm(props: {
  song?: Song | undefined;
  onDone: (message: string) => void;
  onCancel: () => void;
}) {
  const { song } = props;
  const trpc = useTRPC();
  const [values, setValues] = useState(() => initialValues(song));
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState('');

  const onError = (error: unknown) => {
    const flattened = isSongsClientError(error) ? error.data?.zodError : null;
    // An update's fields sit under `data`; the form shows them by their own names.
    const errors: FieldErrors = {};
    for (const [path, messages] of Object.entries(flattened?.fieldErrors ?? {})) {
      const field = path.replace(/^data\./, '') as Field;
      if (field in LABELS && messages) errors[field] = messages;
    }
    setFieldErrors(errors);
    const conflict = isSongsClientError(error) && error.data?.code === 'CONFLICT';
    setFormError(
      conflict
        ? 'A song with this name and artist already exists'
        : Object.keys(errors).length > 0
          ? ''
          : flattened?.formErrors.join('; ') || errorText(error),
    );
  };
  const create = useMutation(
    trpc.song.create.mutationOptions({
      onSuccess: (saved) => props.onDone(`Added “${saved.name}”`),
      onError,
    }),
  );
  const update = useMutation(
    trpc.song.update.mutationOptions({
      onSuccess: (saved) => props.onDone(`Saved “${saved.name}”`),
      onError,
    }),
  );
  const pending = create.isPending || update.isPending;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setFieldErrors({});
    setFormError('');
    const data = {
      name: values.name,
      artist: values.artist,
      // An empty box is sent as NaN, which the server names as a bad `streams`.
      streams: values.streams.trim() === '' ? Number.NaN : Number(values.streams),
      releasedOn: values.releasedOn,
    };
    if (song) update.mutate({ id: song.id, data });
    else create.mutate(data);
  };

  return (
    <form
      className="song-form"
      id="song-form"
      onSubmit={submit}
      noValidate
      data-state={pending ? 'saving' : 'idle'}
    >
      <h2>{song ? `Edit “${song.name}”` : 'New song'}</h2>
      {(Object.keys(LABELS) as Field[]).map((field) => (
        <label key={field} className={fieldErrors[field] ? 'invalid' : undefined}>
          {LABELS[field]}
          <input
            name={field}
            type={field === 'streams' ? 'number' : field === 'releasedOn' ? 'date' : 'text'}
            step={field === 'streams' ? 'any' : undefined}
            value={values[field]}
            aria-invalid={fieldErrors[field] ? true : undefined}
            onChange={(event) => setValues({ ...values, [field]: event.target.value })}
          />
          {fieldErrors[field] && (
            <span className="field-error" data-field-error={field}>
              {fieldErrors[field].join('; ')}
            </span>
          )}
        </label>
      ))}
      {formError && (
        <p className="form-error" data-form-error>
          {formError}
        </p>
      )}
      <div className="buttons">
        <button type="submit" disabled={pending}>
          {song ? 'Save' : 'Add song'}
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
