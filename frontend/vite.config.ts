import { defineConfig } from 'vite';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';

// One entry per live page (src/pages/*.ts); templates load /app/<page>.js, so names carry no hash.
const pages = Object.fromEntries(
  readdirSync(resolve(__dirname, 'src/pages'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => [f.replace(/\.ts$/, ''), resolve(__dirname, 'src/pages', f)]),
);

export default defineConfig({
  build: {
    outDir: resolve(__dirname, '../target/classes/static/app'),
    emptyOutDir: true,
    rollupOptions: {
      input: pages,
      output: {
        entryFileNames: '[name].js',
        chunkFileNames: 'chunks/[name].js',
        assetFileNames: 'assets/[name][extname]',
      },
    },
  },
});
