/**
 * A React app's view of @songs-api/client/react, for the "React Query" project of
 * scripts/check-client-package.ts (installed next to @trpc/tanstack-react-query, which pins its
 * @trpc peers exactly). `renderReleaseDate` renders a song through TRPCProvider, useTRPC and a
 * suspense query into HTML, so the check can compare what two time zones show.
 */

import { calendarDateString, formatCalendarDate } from '@songs-api/client';
import { createSongsReactClients, TRPCProvider, useTRPC } from '@songs-api/client/react';
import { QueryClientProvider, useSuspenseQuery } from '@tanstack/react-query';
import { prerender } from 'react-dom/static';

function ReleaseDate({ id }: { id: string }) {
  const trpc = useTRPC();
  const { data: song } = useSuspenseQuery(trpc.song.byId.queryOptions({ id }));
  return (
    <time dateTime={calendarDateString(song.releasedOn)}>
      {`${song.name}: ${formatCalendarDate(song.releasedOn, 'en-US')}`}
    </time>
  );
}

/** Creates a song released on 2007-05-21, renders it to HTML, deletes it; returns the HTML. */
export async function renderReleaseDate(url: string, token: string): Promise<string> {
  const { queryClient, trpcClient } = createSongsReactClients({ url, token: () => token || null });
  const song = await trpcClient.song.create.mutate({
    name: 'Calendar Day',
    artist: 'Consumer Check',
    streams: 1,
    releasedOn: '2007-05-21',
  });
  try {
    const { prelude } = await prerender(
      <QueryClientProvider client={queryClient}>
        <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
          <ReleaseDate id={song.id} />
        </TRPCProvider>
      </QueryClientProvider>,
    );
    return await new Response(prelude).text();
  } finally {
    await trpcClient.song.delete.mutate({ id: song.id });
  }
}

/** Mistakes a React frontend must not be able to compile. */
export function Mistakes() {
  const trpc = useTRPC();
  // @ts-expect-error: there is no `genre` filter
  trpc.song.list.queryOptions({ genre: 'pop' });
  // @ts-expect-error: song.create is a mutation, it has no queryOptions
  trpc.song.create.queryOptions({ name: 'x', artist: 'y', streams: 1, releasedOn: '2020-01-01' });
  return null;
}
