import { createSongsReactClients, TRPCProvider } from '@songs-api/client/react';
import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { readApiKey } from './api-key.js';
import { SongsPage } from './SongsPage.js';
import './styles.css';

// Same origin as the API, so no CORS is involved; the key is read for every request.
const { queryClient, trpcClient } = createSongsReactClients({ url: '/trpc', token: readApiKey });

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <SongsPage />
      </TRPCProvider>
    </QueryClientProvider>
  </StrictMode>,
);
