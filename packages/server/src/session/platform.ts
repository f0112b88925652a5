import { Platform } from '@parley/protocol';

/**
 * Multi-instance policy works on platform classes, as Tencent's does: every web page and
 * mini program shares the "web" class (Tencent counts mini programs as web); each native
 * platform is its own class.
 */
export function platformClass(platform: unknown): string {
  const p = typeof platform === 'string' && /^\d+$/.test(platform) ? Number(platform) : platform;
  if (p === undefined || p === null || p === Platform.Web || p === Platform.WebV1 || p === Platform.MiniProgram) return 'web';
  if (typeof p !== 'number' || !Number.isInteger(p)) return 'web';
  return `platform-${p}`;
}

/** Tencent's OptPlatform names for webhooks and state queries. */
export function platformName(platform: unknown): string {
  switch (Number(platform)) {
    case Platform.iOS:
      return 'iOS';
    case Platform.Android:
      return 'Android';
    case Platform.Windows:
      return 'Windows';
    case Platform.macOS:
      return 'macOS';
    case Platform.iPad:
      return 'iPad';
    case Platform.Web:
    case Platform.WebV1:
    case Platform.MiniProgram:
      return 'Web';
    default:
      return platform === undefined ? 'Web' : 'Unknown';
  }
}
