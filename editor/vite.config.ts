import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { type Plugin, type UserConfig, defaultClientConditions, defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * Writes `.br` and `.gz` next to every built JS/CSS asset. The document page's JS is ~770 KB raw but
 * ~245 KB gzipped (~210 KB brotli); a static server that can serve precompressed files (e.g. Hono's
 * `serveStatic({ precompressed: true })`) then sends the small version with zero CPU per request.
 */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'tandem-precompress',
    apply: 'build',
    configResolved(resolved) {
      outDir = resolve(resolved.root, resolved.build.outDir);
    },
    closeBundle() {
      const assets = join(outDir, 'assets');
      for (const name of readdirSync(assets)) {
        if (!/\.(js|css)$/.test(name)) continue;
        const body = readFileSync(join(assets, name));
        if (body.length < 1024) continue;
        writeFileSync(join(assets, `${name}.gz`), gzipSync(body, { level: 9 }));
        writeFileSync(
          join(assets, `${name}.br`),
          brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
        );
      }
    },
  };
}

// The server (PORT=3100) serves editor/dist in production; in `vite dev` we proxy the API and the
// collaboration socket to it so the page talks to the same origin either way.
const backend = process.env.TANDEM_BACKEND ?? 'http://127.0.0.1:3100';

export default defineConfig(({ command, mode }) => {
  // A build started from a test runner (e.g. the e2e global setup under vitest) inherits NODE_ENV=test,
  // and would then ship React's development build (twice the size, much slower) and dev JSX. A
  // production-mode build is always a production bundle, whoever starts it. Vite reads NODE_ENV after
  // loading this file, so setting it here is enough (and is what Vite's docs recommend).
  if (command === 'build' && mode === 'production') process.env.NODE_ENV = 'production';
  return config;
});

const config = {
  plugins: [react(), precompress()],
  resolve: {
    // One Yjs (and one lib0) per page: two copies break `instanceof` checks inside Yjs.
    dedupe: ['yjs', 'lib0', 'y-protocols', '@tiptap/pm'],
    // `@tandem/common` is bundled from its TypeScript source (see common/package.json): no build step first.
    conditions: ['tandem-source', ...defaultClientConditions],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    rolldownOptions: {
      output: {
        // Vendor code in its own long-lived chunks: a deploy that only changes Tandem's code leaves the
        // editor engine (Tiptap, ProseMirror, Yjs) and React cached in the browser (served `immutable`).
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 2 },
            {
              name: 'editor-engine',
              test: /node_modules[\\/](@tiptap|prosemirror-[a-z]+|yjs|y-[a-z]+|lib0|linkifyjs|orderedmap|rope-sequence|w3c-keyname|fast-equals|use-sync-external-store)[\\/]/,
              priority: 1,
            },
          ],
        },
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: backend, changeOrigin: true },
      '/collab': { target: backend, ws: true, changeOrigin: true },
    },
  },
  preview: {
    port: 4173,
    proxy: {
      '/api': { target: backend, changeOrigin: true },
      '/collab': { target: backend, ws: true, changeOrigin: true },
    },
  },
} satisfies UserConfig;
