export interface BuiltFile {
  file: string;
  bytes: number;
  gzip: number;
}
export function buildSdk(opts?: { quiet?: boolean; types?: boolean; outDir?: string }): Promise<BuiltFile[]>;
