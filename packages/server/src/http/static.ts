/**
 * Static files of the built web apps (apps/web/dist): the chat at `/`, the console at
 * `/console`. Each app is a single-page app, so a path with no file falls back to that app's
 * index.html. Paths are resolved inside the root and never leave it.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { HttpRoute } from '../server.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** Single-page apps in the root: URL prefix → folder holding its index.html. Longest prefix first. */
export interface StaticApp {
  prefix: string;
  dir: string;
}

export interface StaticOptions {
  /** The built files' folder (apps/web/dist). */
  root: string;
  apps: StaticApp[];
  /** Paths the static route must leave to other routes (APIs under an app's prefix). */
  exclude?: string[];
}

/** Serve GET/HEAD requests for files under `root`; unknown paths under an app get its index.html. */
export function createStaticRoute(opts: StaticOptions): HttpRoute {
  const root = resolve(opts.root);
  const apps = [...opts.apps].sort((a, b) => b.prefix.length - a.prefix.length);
  const exclude = opts.exclude ?? [];
  return async (req, res, url) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const path = url.pathname;
    if (exclude.some((p) => path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`))) return false;
    const app = apps.find((a) => path === a.prefix || path.startsWith(a.prefix.endsWith('/') ? a.prefix : `${a.prefix}/`));
    if (!app) return false;
    if (path === app.prefix && !path.endsWith('/') && app.prefix !== '/') {
      // /console → /console/ so the page's relative asset URLs resolve under it.
      res.writeHead(301, { location: `${path}/${url.search}` });
      res.end();
      return true;
    }

    let rel: string;
    try {
      rel = decodeURIComponent(path);
    } catch {
      return sendText(res, 400, 'bad path');
    }
    if (rel.includes('\0')) return sendText(res, 400, 'bad path');
    const file = resolve(root, `.${rel}`);
    if (file !== root && !file.startsWith(root + sep)) return sendText(res, 404, 'not found');

    const found = (await fileAt(file)) ?? (await fileAt(join(file, 'index.html')));
    if (found) return sendFile(req.method, res, found, rel);
    // Asset-looking paths (with an extension) are real 404s; anything else is a client route.
    if (extname(rel) !== '') return sendText(res, 404, 'not found');
    const index = await fileAt(join(root, app.dir, 'index.html'));
    if (index) return sendFile(req.method, res, index, 'index.html');
    return sendText(res, 404, 'The web app is not built: run `npm run build -w @parley/web` (npm start does it).');
  };
}

async function fileAt(path: string): Promise<{ path: string; size: number } | undefined> {
  try {
    const s = await stat(path);
    return s.isFile() ? { path, size: s.size } : undefined;
  } catch {
    return undefined;
  }
}

function sendFile(method: string | undefined, res: Parameters<HttpRoute>[1], f: { path: string; size: number }, name: string): true {
  const type = TYPES[extname(f.path).toLowerCase()] ?? 'application/octet-stream';
  // Vite puts a content hash in every asset name under assets/; pages must be revalidated.
  const cache = name.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
  res.writeHead(200, {
    'content-type': type,
    'content-length': f.size,
    'cache-control': cache,
    'x-content-type-options': 'nosniff',
  });
  if (method === 'HEAD') res.end();
  else createReadStream(f.path).pipe(res);
  return true;
}

function sendText(res: Parameters<HttpRoute>[1], status: number, text: string): true {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
  return true;
}
