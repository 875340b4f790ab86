// Builds the songs page into web/dist, which src/http/web.ts serves at `/` (see web/README.md).
// The page imports only the client package's public entries; they resolve to client/dist, the
// files the package ships, and /trpc is proxied to the API in `vite` dev mode.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const clientDist = (file) => fileURLToPath(new URL(`../client/dist/${file}`, import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  resolve: {
    alias: [
      { find: /^@songs-api\/client$/, replacement: clientDist('index.js') },
      { find: /^@songs-api\/client\/react$/, replacement: clientDist('react.js') },
    ],
  },
  build: { outDir: 'dist', emptyOutDir: true },
  server: { proxy: { '/trpc': 'http://localhost:3000' } },
});
