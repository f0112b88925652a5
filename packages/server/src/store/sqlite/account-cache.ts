/**
 * Accounts as read by SqliteStore, kept in memory. Every send needs the recipient's
 * existence and the sender's TinyId, and every WebSocket send the sender's nick; one
 * prepared SELECT costs about as much as the rest of a send's bookkeeping, so the rows
 * are cached. This is safe because only the server process that owns the database file
 * writes accounts (the CLI writes apps, never accounts), and every write in SqliteStore
 * goes through `set`/`forget`. A rolled-back transaction may have cached a row it had
 * created, so the store calls `clear` when one fails.
 */
/** A row of the accounts table, as SqliteStore reads it. */
export interface AccountRow {
  sdk_app_id: number;
  user_id: string;
  tiny_id: number;
  nick: string;
  face_url: string;
  created_at: number;
  sigs_valid_after: number;
  profile: string;
}

export class AccountCache {
  private readonly rows = new Map<string, AccountRow>();

  constructor(private readonly capacity = 200_000) {}

  private static key(sdkAppId: number, userId: string): string {
    return `${sdkAppId}\u0000${userId}`;
  }

  get(sdkAppId: number, userId: string, load: () => AccountRow | undefined): AccountRow | undefined {
    const key = AccountCache.key(sdkAppId, userId);
    const hit = this.rows.get(key);
    if (hit) return hit;
    const row = load();
    // Only rows that exist are kept: an unknown user may be created by the next write.
    if (row) this.store(key, row);
    return row;
  }

  set(row: AccountRow): void {
    this.store(AccountCache.key(row.sdk_app_id, row.user_id), row);
  }

  forget(sdkAppId: number, userId: string): void {
    this.rows.delete(AccountCache.key(sdkAppId, userId));
  }

  clear(): void {
    this.rows.clear();
  }

  private store(key: string, row: AccountRow): void {
    if (this.rows.size >= this.capacity) {
      // Maps iterate in insertion order: drop the oldest entry.
      const oldest = this.rows.keys().next().value;
      if (oldest !== undefined) this.rows.delete(oldest);
    }
    this.rows.set(key, row);
  }
}
