// Vite builds the front end into ui/dist, which src-tauri embeds at compile
// time (tauri.conf.json: build.frontendDist). Preact's JSX runtime is wired
// through esbuild directly, so no framework plugin is needed.
import { defineConfig } from 'vite';

export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  // Relative asset URLs work under Tauri's custom protocol and from a file.
  base: './',
  clearScreen: false,
  server: { port: 1420, strictPort: true },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // WebKitGTK 2.40+ / WebView2 / WKWebView all support ES2021.
    target: 'es2021',
    sourcemap: false,
  },
});
