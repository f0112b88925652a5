/**
 * Splits an XMPP stream into its top-level stanzas. Enough XML for what a server sends on
 * a c2s stream: the `<stream:stream>` header (never closed until the end), then complete
 * elements at depth 1. Attribute values never contain a raw `>` because servers escape it.
 */
export interface XmlStreamHandlers {
  onStreamStart(tag: string): void;
  onStanza(xml: string): void;
  onStreamEnd(): void;
}

export class XmlStream {
  private buf = '';
  private pos = 0;
  private depth = 0;
  private start = -1;

  constructor(private readonly h: XmlStreamHandlers) {}

  /** A new stream after SASL success: the server opens it again from depth 0. */
  reset(): void {
    this.buf = this.buf.slice(this.pos);
    this.pos = 0;
    this.depth = 0;
    this.start = -1;
  }

  push(chunk: string): void {
    this.buf += chunk;
    for (;;) {
      const lt = this.buf.indexOf('<', this.pos);
      if (lt < 0) break;
      const gt = this.buf.indexOf('>', lt);
      if (gt < 0) break;
      const c = this.buf.charCodeAt(lt + 1);
      this.pos = gt + 1;
      if (c === 63 /* ? */ || c === 33 /* ! */) continue;
      if (c === 47 /* / */) {
        this.depth--;
        if (this.depth === 1 && this.start >= 0) {
          this.h.onStanza(this.buf.slice(this.start, gt + 1));
          this.start = -1;
        } else if (this.depth === 0) {
          this.h.onStreamEnd();
        }
        continue;
      }
      const selfClosing = this.buf.charCodeAt(gt - 1) === 47;
      if (this.depth === 0) {
        this.depth = 1;
        this.h.onStreamStart(this.buf.slice(lt, gt + 1));
        continue;
      }
      if (this.depth === 1) {
        if (selfClosing) {
          this.h.onStanza(this.buf.slice(lt, gt + 1));
          continue;
        }
        this.start = lt;
      }
      if (!selfClosing) this.depth++;
    }
    // Drop what is fully consumed so the buffer stays small.
    const keep = this.start >= 0 ? this.start : this.pos;
    if (keep > 4096) {
      this.buf = this.buf.slice(keep);
      this.pos -= keep;
      if (this.start >= 0) this.start -= keep;
    }
  }
}

/** The five XML escapes. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

export function unescapeXml(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) => {
    switch (e) {
      case 'amp':
        return '&';
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      default:
        return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    }
  });
}

/** The value of attribute `name` in an element's start tag. */
export function attr(xml: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}=(?:'([^']*)'|"([^"]*)")`).exec(xml.slice(0, xml.indexOf('>') + 1));
  return m ? unescapeXml(m[1] ?? m[2] ?? '') : undefined;
}
