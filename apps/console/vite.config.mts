import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Built into dist/console, which the key service serves at /console (console-static.plugin.ts).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    // The CSP allows scripts from 'self' only: no inlined module-preload polyfill or data: URLs.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
