import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type ParleyServer } from '../../src/server.ts';
import { installHttpDoors } from '../../src/doors.ts';

/** GET with the path sent exactly as written (fetch would normalise `..`). */
function rawGet(port: number, path: string): Promise<{ status: number; type: string; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static web apps', () => {
  let root: string;
  let dataDir: string;
  let server: ParleyServer;
  let port: number;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'parley-web-'));
    dataDir = mkdtempSync(join(tmpdir(), 'parley-data-'));
    mkdirSync(join(root, 'console'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>chat</title>');
    writeFileSync(join(root, 'console', 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(join(root, 'assets', 'app-1234.js'), 'console.log(1)');
    writeFileSync(join(root, 'assets', 'app-1234.css'), 'body{}');
    writeFileSync(`${root}-secret.txt`, 'do not serve');
    server = createServer({ config: { port: 0, dataDir, logLevel: 'silent' } });
    installHttpDoors(server, { webRoot: root });
    port = await server.listen();
  });
  afterAll(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${root}-secret.txt`, { force: true });
  });

  it('serves each app at its prefix with the right content types', async () => {
    const chat = await rawGet(port, '/');
    expect(chat).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
    expect(chat.body).toContain('<title>chat</title>');
    expect((await rawGet(port, '/console/')).body).toContain('<title>console</title>');
    const js = await rawGet(port, '/assets/app-1234.js');
    expect(js).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8' });
    expect(js.headers['cache-control']).toContain('immutable');
    expect((await rawGet(port, '/assets/app-1234.css')).type).toBe('text/css; charset=utf-8');
  });

  it('redirects /console to /console/ and falls back to each app\'s index.html', async () => {
    const r = await rawGet(port, '/console');
    expect(r.status).toBe(301);
    expect(r.headers['location']).toBe('/console/');
    expect((await rawGet(port, '/console/apps/123')).body).toContain('<title>console</title>');
    expect((await rawGet(port, '/chat/bob')).body).toContain('<title>chat</title>');
    expect((await rawGet(port, '/assets/missing.js')).status).toBe(404);
  });

  it('never leaves the root', async () => {
    for (const path of [`/..%2f${basename(root)}-secret.txt`, `/assets/..%2f..%2f${basename(root)}-secret.txt`, '/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2f..%2fetc%2fpasswd', '/..%5c..%5cetc%5cpasswd', '/%00']) {
      const r = await rawGet(port, path);
      expect(r.body, path).not.toContain('do not serve');
      expect(r.body, path).not.toContain('root:');
      expect([400, 404, 200], path).toContain(r.status);
      if (r.status === 200) expect(r.body, path).toContain('<title>chat</title>');
    }
  });

  it('leaves API paths to their own routes', async () => {
    expect((await rawGet(port, '/healthz')).type).toContain('application/json');
    const api = await rawGet(port, '/console/api/nothing');
    expect(api.type).toContain('application/json');
    expect(api.status).toBe(404);
  });
});
