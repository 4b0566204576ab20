// Starts `convo serve` (the binary in CONVO_BIN) on a fresh SQLite file and a free port.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Server {
  baseUrl: string;
  apiKey: string;
  stop(): Promise<void>;
}

export const ADMIN_KEY = "convo_sk_typescript_sdk_suite_0123456789";

export async function startServer(): Promise<Server> {
  const binary = process.env.CONVO_BIN;
  if (!binary) throw new Error("set CONVO_BIN to the convo binary");
  const dir = mkdtempSync(join(tmpdir(), "convo-ts-sdk-"));
  const port = await freePort();
  const child: ChildProcess = spawn(
    binary,
    ["serve", "--listen", `127.0.0.1:${port}`, "--database", join(dir, "convo.db")],
    {
      env: { ...process.env, CONVO_ADMIN_KEY: ADMIN_KEY, CONVO_WEBHOOK_ALLOW_PRIVATE: "true", RUST_LOG: "warn" },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${baseUrl}/readyz`)).ok) break;
    } catch {
      if (i > 300) throw new Error("convo serve did not start");
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    baseUrl,
    apiKey: ADMIN_KEY,
    async stop() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}
