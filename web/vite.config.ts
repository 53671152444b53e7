// Builds the browser client of `aifabric serve` (docs/serve.md, "The web page") to static files in web/dist/,
// which the server serves (src/serve/static.ts). Everything the page needs is bundled: no fonts, scripts or
// styles come from elsewhere, so it works offline under the server's `default-src 'self'` policy.
// Leaves out: a dev server proxy (run `aifabric serve` and rebuild; the page is small).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = new URL('.', import.meta.url).pathname;

export default defineConfig({
  root: here,
  base: './',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The charts' chunk (vega, vega-lite) is large by nature; it loads only with the pages that draw charts.
    chunkSizeWarningLimit: 4096,
    // No inlined data: URLs: the page's policy allows only its own files.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  logLevel: 'warn',
});
