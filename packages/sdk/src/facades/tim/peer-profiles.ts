/**
 * Conversation.userProfile: each peer's nick and avatar. TIM fills them by reading the
 * peers' profiles itself, so an app's conversation list shows names without asking
 * getUserProfile; this does the same, once per peer while logged in, a hundred peers per
 * request (the server's limit). A profile read through getUserProfile refreshes the entry.
 */
import type { Profile } from './types.ts';

type Shown = Pick<Profile, 'nick' | 'avatar'>;

const PER_REQUEST = 100;

export class PeerProfiles {
  readonly #known = new Map<string, Shown>();
  /** Every peer asked about (a failed request takes its peers out again); only theirs are learnt. */
  readonly #asked = new Set<string>();

  constructor(
    private readonly fetch: (userIDs: string[]) => Promise<Profile[]>,
    /** Called when an answer changed what `of` returns (the list should be shown again). */
    private readonly changed: () => void,
  ) {}

  of(peer: string): Shown | undefined {
    return this.#known.get(peer);
  }

  /** Ask for the peers neither known nor asked about yet; a failed request is asked again next time. */
  want(peers: Iterable<string>): void {
    const missing = [...new Set(peers)].filter((p) => !this.#known.has(p) && !this.#asked.has(p));
    for (let i = 0; i < missing.length; i += PER_REQUEST) {
      const chunk = missing.slice(i, i + PER_REQUEST);
      for (const p of chunk) this.#asked.add(p);
      this.fetch(chunk).then(
        (profiles) => this.learn(profiles),
        () => {
          for (const p of chunk) this.#asked.delete(p);
        },
      );
    }
  }

  /** Take fresh profiles of peers asked about; `changed` runs when a shown nick or avatar is new. */
  learn(profiles: readonly Profile[]): void {
    let news = false;
    for (const p of profiles) {
      if (!this.#asked.has(p.userID)) continue;
      const had = this.#known.get(p.userID);
      if (had?.nick === p.nick && had.avatar === p.avatar) continue;
      this.#known.set(p.userID, { nick: p.nick, avatar: p.avatar });
      news = true;
    }
    if (news) this.changed();
  }

  clear(): void {
    this.#known.clear();
    this.#asked.clear();
  }
}
