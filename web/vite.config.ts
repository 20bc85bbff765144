import { defineConfig } from 'vite';

// One copy of @solana/kit for the dashboard and the client it links (../clients/js), so the
// client's codecs and the page's transactions are the same classes.
export default defineConfig({
  resolve: { dedupe: ['@solana/kit'] },
  build: { target: 'es2022' },
});
