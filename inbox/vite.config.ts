// Builds the inbox into the server's assets (compiled into the binary). The output is
// committed; CI builds again and fails when it differs, so the binary always serves what
// the source says. The SDK is compiled from its source, as the inbox is its first user.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  base: "/inbox/",
  resolve: {
    alias: {
      "@convo/sdk": here("../sdks/typescript/src/index.ts"),
      // The SDK's own dependencies, resolved from here (its folder may have no node_modules).
      "eventsource-parser": here("node_modules/eventsource-parser"),
      standardwebhooks: here("node_modules/standardwebhooks"),
    },
  },
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    outDir: here("../crates/convo-server/assets/inbox"),
    emptyOutDir: true,
    target: "es2022",
    assetsInlineLimit: 0,
    reportCompressedSize: true,
    modulePreload: { polyfill: false },
  },
});
