/**
 * Vite build of the console. JSX is compiled by Vite's own esbuild step (no Babel plugin: the
 * production build needs no fast refresh, and it keeps the dependency tree small). `npm run dev`
 * proxies /api to a running `metron start` on 127.0.0.1:8080.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 1024,
  },
  server: {
    host: '127.0.0.1',
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
