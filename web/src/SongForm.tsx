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
    const shown = errorsToShow(error);
    setFieldErrors(shown.fieldErrors);
    setFormError(shown.formError);
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
        <FieldInput
          key={field}
          field={field}
          value={values[field]}
          errors={fieldErrors[field]}
          onChange={(value) => setValues({ ...values, [field]: value })}
        />
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

/**
 * What a failed save shows: the server's field errors next to their fields (an update's sit under
 * `data`; the form shows them by their own names), else one line for the whole form.
 */
function errorsToShow(error: unknown): { fieldErrors: FieldErrors; formError: string } {
  const flattened = isSongsClientError(error) ? error.data?.zodError : null;
  const fieldErrors: FieldErrors = {};
  for (const [path, messages] of Object.entries(flattened?.fieldErrors ?? {})) {
    const field = path.replace(/^data\./, '') as Field;
    if (field in LABELS && messages) fieldErrors[field] = messages;
  }
  const conflict = isSongsClientError(error) && error.data?.code === 'CONFLICT';
  const formError = conflict
    ? 'A song with this name and artist already exists'
    : Object.keys(fieldErrors).length > 0
      ? ''
      : flattened?.formErrors.join('; ') || errorText(error);
  return { fieldErrors, formError };
}

function FieldInput(props: {
  field: Field;
  value: string;
  errors: string[] | undefined;
  onChange: (value: string) => void;
}) {
  const { field, errors } = props;
  return (
    <label className={errors ? 'invalid' : undefined}>
      {LABELS[field]}
      <input
        name={field}
        type={field === 'streams' ? 'number' : field === 'releasedOn' ? 'date' : 'text'}
        step={field === 'streams' ? 'any' : undefined}
        value={props.value}
        aria-invalid={errors ? true : undefined}
        onChange={(event) => props.onChange(event.target.value)}
      />
      {errors && (
        <span className="field-error" data-field-error={field}>
          {errors.join('; ')}
        </span>
      )}
    </label>
  );
}
