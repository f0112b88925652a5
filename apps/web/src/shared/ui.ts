/** Small helpers shared by the chat and the console. */
import { useEffect, useState } from 'preact/hooks';

/** Re-render the calling component whenever `source` says it changed. */
export function useVersion(source: { subscribe(l: () => void): () => void; version: number }): number {
  const [, setV] = useState(source.version);
  useEffect(() => source.subscribe(() => setV(source.version)), [source]);
  return source.version;
}

/** hh:mm today, otherwise a short date. */
export function formatTime(unixSeconds: number): string {
  if (!unixSeconds) return '';
  const d = new Date(unixSeconds * 1000);
  const now = new Date();
  const sameDay = d.toDateString() === now.toDateString();
  return sameDay ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : d.toLocaleDateString([], { month: 'short', day: 'numeric' });
}

/** The text a bubble shows for any message type (always plain text). */
export function messageText(m: { type: string; payload: unknown }): string {
  const p = (m.payload ?? {}) as Record<string, unknown>;
  switch (m.type) {
    case 'TIMTextElem':
      return String(p['text'] ?? '');
    case 'TIMCustomElem':
      return `[custom] ${String(p['description'] || p['data'] || '')}`.trim();
    case 'TIMFaceElem':
      return `[face ${String(p['index'] ?? '')}]`;
    case 'TIMLocationElem':
      return `[location] ${String(p['description'] ?? '')} (${String(p['latitude'])}, ${String(p['longitude'])})`;
    case 'TIMImageElem':
      return '[image]';
    case 'TIMSoundElem':
      return '[voice]';
    case 'TIMFileElem':
      return `[file] ${String(p['fileName'] ?? '')}`.trim();
    case 'TIMVideoFileElem':
      return '[video]';
    default:
      return `[${m.type}]`;
  }
}
