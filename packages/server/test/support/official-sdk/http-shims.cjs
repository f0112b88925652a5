'use strict';
/*
 * Browser globals for the HTTP long-poll generation of Tencent's Web SDK
 * (tim-js-sdk <= 2.10.2, loaded as `tim-js-sdk-http`), for child.cjs.
 *
 * That SDK has no host option: it POSTs to https://webim.tim.qq.com/v4/...
 * through a bundled axios (XMLHttpRequest adapter). Here XMLHttpRequest is a
 * small fetch-backed class that rewrites Tencent's IM API hosts to the test
 * server, and `fetch` is wrapped the same way. Requests to any other host are
 * answered locally (the SDK's network probe `speed.xml` gets an empty 200) or
 * refused without touching the network, and reported as BLOCKED_REQUEST
 * events {url, answered}: nothing leaves the machine. Each reply of the test
 * server is reported as an HTTP_REPLY event {path, errorCode}.
 *
 * install({httpUrl, report}) where report(name, data) forwards an event to the parent.
 */

/** Hosts of Tencent's IM HTTP API (production, oversea, sandbox, test): rewritten to the test server. */
const IM_HOSTS = new Set(['webim.tim.qq.com', 'events.tim.qq.com', 'api.im.qcloud.com', 'test.tim.qq.com']);

function install({ httpUrl, report, trace }) {
  if (!httpUrl) throw new Error('http-shims: httpUrl is required');
  const base = new URL(httpUrl);
  const realFetch = globalThis.fetch.bind(globalThis);

  /**
   * Where a request goes: {url} for the test server, {local: {status, body}} for a
   * request answered here, or {blocked: true} for one refused here.
   */
  function route(raw) {
    let u;
    try {
      u = new URL(String(raw), 'https://localhost/');
    } catch {
      return { blocked: true };
    }
    if (u.host === base.host) return { url: u.toString() };
    if (IM_HOSTS.has(u.hostname)) {
      const local = new URL(u.pathname + u.search, base);
      return { url: local.toString() };
    }
    const url = `${u.protocol}//${u.host}${u.pathname}`;
    // The SDK's network probe (sent after a failed request): answer "online" so it does
    // not report a broken network.
    if (u.hostname === 'web.sdk.qcloud.com' && u.pathname.endsWith('/speed.xml')) {
      report('BLOCKED_REQUEST', { url, answered: true });
      return { local: { status: 200, body: '<speed/>' } };
    }
    report('BLOCKED_REQUEST', { url, answered: false });
    return { blocked: true };
  }

  function traced(dir, url, text) {
    if (!trace) return;
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    const u = new URL(url);
    report('WIRE', { dir, frame: { path: u.pathname, query: Object.fromEntries(u.searchParams), body } });
  }

  /** Every reply of the server is reported as HTTP_REPLY {path, errorCode}, so tests can wait for a request to have been answered. */
  function replied(url, text) {
    let errorCode = null;
    try {
      const body = JSON.parse(text);
      if (body && typeof body.ErrorCode === 'number') errorCode = body.ErrorCode;
    } catch {
      // not JSON
    }
    report('HTTP_REPLY', { path: new URL(url).pathname, errorCode });
  }

  globalThis.fetch = async function guardedFetch(input, init) {
    const target = route(typeof input === 'string' || input instanceof URL ? input : input.url);
    if (target.url) return realFetch(target.url, init);
    if (target.local) return new Response(target.local.body, { status: target.local.status });
    throw new TypeError('Failed to fetch');
  };

  const UNSENT = 0;
  const OPENED = 1;
  const DONE = 4;

  /** The part of XMLHttpRequest that axios' XHR adapter and the SDK's probe use. */
  class ShimXMLHttpRequest {
    constructor() {
      this.readyState = UNSENT;
      this.status = 0;
      this.statusText = '';
      this.responseText = '';
      this.response = '';
      this.responseURL = '';
      this.responseType = '';
      this.timeout = 0;
      this.withCredentials = false;
      this.onreadystatechange = null;
      this.onload = null;
      this.onerror = null;
      this.onabort = null;
      this.ontimeout = null;
      this.upload = { addEventListener() {} };
      this._headers = {};
      this._responseHeaders = '';
      this._controller = null;
      this._timer = null;
    }
    addEventListener() {}
    removeEventListener() {}
    open(method, url) {
      this._method = String(method).toUpperCase();
      this._url = String(url);
      this.readyState = OPENED;
    }
    setRequestHeader(name, value) {
      this._headers[name] = value;
    }
    getAllResponseHeaders() {
      return this._responseHeaders;
    }
    getResponseHeader(name) {
      const re = new RegExp(`^${name}:\\s*(.*)$`, 'im');
      const m = re.exec(this._responseHeaders);
      return m ? m[1] : null;
    }
    abort() {
      if (!this._controller || this.readyState === DONE) return;
      this._controller.abort();
      this._finish(0, '', '');
      this._fire('onabort');
    }
    send(body) {
      const target = route(this._url);
      const controller = new AbortController();
      this._controller = controller;
      if (this.timeout > 0) {
        this._timer = setTimeout(() => {
          if (this.readyState === DONE) return;
          controller.abort();
          this._finish(0, '', '');
          this._fire('ontimeout');
        }, this.timeout);
      }
      if (target.local) {
        setTimeout(() => this._complete(target.local.status, target.local.body, 'content-type: text/xml\r\n', this._url), 0);
        return;
      }
      if (!target.url) {
        setTimeout(() => this._fail(), 0);
        return;
      }
      const text = body === null || body === undefined ? undefined : String(body);
      traced('out', target.url, text ?? '');
      realFetch(target.url, {
        method: this._method,
        headers: this._headers,
        body: this._method === 'GET' || this._method === 'HEAD' ? undefined : text,
        signal: controller.signal,
      }).then(
        async (res) => {
          const resText = await res.text();
          let headers = '';
          res.headers.forEach((v, k) => {
            headers += `${k}: ${v}\r\n`;
          });
          traced('in', target.url, resText);
          replied(target.url, resText);
          this._complete(res.status, resText, headers, this._url);
        },
        () => this._fail(),
      );
    }
    _complete(status, text, headers, url) {
      if (this.readyState === DONE || (this._controller && this._controller.signal.aborted)) return;
      this._responseHeaders = headers;
      this.responseURL = url;
      this._finish(status, text, status === 200 ? 'OK' : '');
      this._fire('onload');
    }
    _fail() {
      if (this.readyState === DONE) return;
      this._finish(0, '', '');
      this._fire('onerror');
    }
    _finish(status, text, statusText) {
      clearTimeout(this._timer);
      this.status = status;
      this.statusText = statusText;
      this.responseText = text;
      this.response = text;
      this.readyState = DONE;
      this._fire('onreadystatechange');
    }
    _fire(name) {
      const fn = this[name];
      if (typeof fn === 'function') fn.call(this, { type: name.slice(2), target: this });
    }
  }
  ShimXMLHttpRequest.UNSENT = UNSENT;
  ShimXMLHttpRequest.OPENED = OPENED;
  ShimXMLHttpRequest.DONE = DONE;
  globalThis.XMLHttpRequest = ShimXMLHttpRequest;

  // axios (inside the SDK) parses URLs with an <a> element and reads document.cookie
  // for its XSRF check; the SDK reads document.charset when sending.
  const noop = () => {};
  globalThis.document = {
    characterSet: 'UTF-8',
    charset: 'UTF-8',
    cookie: '',
    addEventListener: noop,
    removeEventListener: noop,
    createElement() {
      const el = {
        style: {},
        setAttribute(name, value) {
          if (name !== 'href') return;
          const u = new URL(String(value), globalThis.location.href);
          Object.assign(el, {
            href: u.href,
            protocol: u.protocol,
            host: u.host,
            hostname: u.hostname,
            port: u.port,
            pathname: u.pathname,
            search: u.search,
            hash: u.hash,
          });
        },
      };
      return el;
    },
  };
}

module.exports = { install };
