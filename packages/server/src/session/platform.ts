import { Platform } from '@parley/protocol';

const WEB_CLASS = new Set<number>([
  Platform.Web,
  Platform.WebV1,
  Platform.WeChatMiniProgram,
  Platform.QQMiniProgram,
  Platform.BaiduMiniProgram,
  Platform.AlipayMiniProgram,
]);

/**
 * Multi-instance policy works on platform classes, as Tencent's does: every web page and
 * mini program shares the "web" class (Tencent counts mini programs as web); each native
 * platform is its own class.
 */
export function platformClass(platform: unknown): string {
  const p = typeof platform === 'string' && /^\d+$/.test(platform) ? Number(platform) : platform;
  if (p === undefined || p === null || WEB_CLASS.has(p as number)) return 'web';
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
    default:
      return platform === undefined || WEB_CLASS.has(Number(platform)) ? 'Web' : 'Unknown';
  }
}
