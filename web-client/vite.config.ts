import { defineConfig } from 'vitest/config';
import type { Connect, Plugin } from 'vite';
import { resolve } from 'node:path';

// the live server during `vite` / `vite preview` (the gateway serves dist/ itself in production)
const backend = process.env.LIVE_BACKEND ?? 'http://127.0.0.1:18080';
const proxy = {
  '/api': { target: backend, changeOrigin: true },
  '/live': { target: backend, changeOrigin: true, ws: true },
  '/ws': { target: backend, changeOrigin: true, ws: true },
};

/** The gateway's routes for the pages: /watch/<stream> → watch.html, /studio → studio.html. */
function pageRoutes(): Plugin {
  const rewrite: Connect.NextHandleFunction = (req, _res, next) => {
    const path = (req.url ?? '').split('?')[0];
    if (/^\/watch\/[^/]+\/?$/.test(path)) req.url = '/watch.html';
    else if (path === '/studio' || path === '/studio/') req.url = '/studio.html';
    next();
  };
  return {
    name: 'page-routes',
    configureServer(server) { server.middlewares.use(rewrite); },
    configurePreviewServer(server) { server.middlewares.use(rewrite); },
  };
}

export default defineConfig({
  base: '/',
  plugins: [pageRoutes()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    rollupOptions: {
      input: {
        index: resolve(import.meta.dirname, 'index.html'),
        watch: resolve(import.meta.dirname, 'watch.html'),
        studio: resolve(import.meta.dirname, 'studio.html'),
      },
    },
  },
  server: { proxy },
  test: { setupFiles: ['test/setup.ts'] },
  preview: { proxy },
});
