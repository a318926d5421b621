// Starts a real `vitrine serve` for the UI tests: a temporary data dir indexed
// from the bundled catalog (as scripts/quickstart.sh does), a loopback
// ephemeral port, an admin key, and the built UI. Cleaned up by stop().
import { spawn, spawnSync } from 'node:child_process';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

const required = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run the UI tests through ctest)`);
  return value;
};

export async function startServer({ threads = process.env.VITRINE_TEST_THREADS ?? '1' } = {}) {
  const binary = required('VITRINE_BINARY');
  const catalog = required('VITRINE_CATALOG_DIR');
  const uiDir = required('VITRINE_UI_DIR');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vitrine-ui-test-'));
  const dataDir = path.join(dir, 'data');
  const indexed = process.env.VITRINE_INDEXED_DATA_DIR;
  if (indexed && (await readdir(indexed).catch(() => [])).includes('CURRENT')) {
    // The catalog ctest indexed once for every suite that serves it (a fixture).
    await cp(indexed, dataDir, { recursive: true, verbatimSymlinks: true });
  } else {
    const feeds = (await readdir(catalog)).filter((f) => f.endsWith('.jsonl.gz')).sort()
      .flatMap((f) => ['--feed', path.join(catalog, f)]);
    const reindex = spawnSync(binary, ['reindex', '--data-dir', dataDir, '--quiet',
      '--filterable-attributes', 'usage,year', ...feeds], { encoding: 'utf8' });
    if (reindex.status !== 0) throw new Error(`reindex failed: ${reindex.stderr}`);
  }

  const adminKey = randomBytes(16).toString('hex');
  const server = spawn(binary, ['serve', '--data-dir', dataDir, '--port', '0', '--address', '127.0.0.1',
    '--threads', String(threads), '--ui-dir', uiDir], {
    env: { ...process.env, VITRINE_ADMIN_KEYS: `merchandiser:${adminKey}`, VITRINE_ADMIN_KEY: '', VITRINE_SEARCH_KEY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = [];
  // The server logs JSON lines (events on stderr, the access log on stdout);
  // the "listening" event names the port it bound.
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`vitrine serve did not start:\n${log.join('\n')}`)), 120_000);
    const follow = (stream) => {
      let buffered = '';
      stream.on('data', (chunk) => {
        buffered += chunk;
        let newline;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          if (log.length < 5000) log.push(line);
          try {
            const event = JSON.parse(line);
            if (event.msg === 'listening') { clearTimeout(timer); resolve(event.port); }
          } catch { /* not JSON */ }
        }
      });
    };
    follow(server.stdout);
    follow(server.stderr);
    server.on('exit', (code) => { clearTimeout(timer); reject(new Error(`vitrine serve exited (${code}):\n${log.join('\n')}`)); });
  });
  server.removeAllListeners('exit');
  const url = `http://127.0.0.1:${port}`;
  return {
    url, port, adminKey, log,
    async stop() {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (server.exitCode === null) server.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

// GET /v1/search as JSON (the tests' reference for what the storefront shows).
export async function v1Search(url, params) {
  const response = await fetch(`${url}/v1/search?${new URLSearchParams(params)}`);
  if (!response.ok) throw new Error(`/v1/search ${response.status}: ${await response.text()}`);
  return response.json();
}
