import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

/**
 * The web UI: built into dist/web, served by `yingji serve`. In development, /api goes to a running server.
 *
 * Installable on a phone (issue 14 §3): a web app manifest and a service worker that precaches
 * the app shell (index.html, the code, the icons), so a reload in a dead zone still opens the
 * app. The worker caches no answer of the API: nothing about incidents or people is kept by it
 * (commands made offline wait in the app's own queue, shared/outbox.ts). A new version takes over
 * once every tab of the old one is closed: nothing reloads under a form being filled in.
 */
export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  plugins: [
    react(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      filename: 'sw.js',
      manifestFilename: 'manifest.webmanifest',
      manifest: {
        id: '/',
        name: '应急 Yingji',
        short_name: '应急',
        description: '信访突发事件应急处置 · Emergency plan for petition incidents',
        lang: 'zh-CN',
        dir: 'ltr',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'any',
        theme_color: '#b71c1c',
        background_color: '#ffffff',
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,png,svg,woff2,webmanifest}'],
        maximumFileSizeToCacheInBytes: 6 * 1024 * 1024,
        navigateFallback: '/index.html',
        // The API, the health check and the API docs are never answered from the cache.
        navigateFallbackDenylist: [/^\/api\//, /^\/healthz/],
        runtimeCaching: [],
        cleanupOutdatedCaches: true,
        // The first visit's page is controlled at once, so its screens open offline without a reload.
        clientsClaim: true,
        skipWaiting: false,
      },
    }),
  ],
  build: {
    outDir: new URL('../dist/web', import.meta.url).pathname,
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
  },
  server: { proxy: { '/api': 'http://localhost:8080' } },
});
