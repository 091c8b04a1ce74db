/**
 * The org's revoked API key ids, kept in its OrgHub's storage and read into memory once per
 * wake-up: every API-key call the hub serves checks them, so a revoked key's work is refused at
 * once, before any cache of the key elsewhere expires.
 */
import type { OrgStore } from '../core/db/org-store';
import { revokedKeys } from '../core/db/org-schema';

export class RevokedKeys {
  private ids: Set<string> | null = null;

  constructor(private readonly store: OrgStore) {}

  has(keyId: string): boolean {
    this.ids ??= new Set(
      this.store.db
        .select({ keyId: revokedKeys.keyId })
        .from(revokedKeys)
        .all()
        .map((row) => row.keyId),
    );
    return this.ids.has(keyId);
  }

  add(keyId: string): void {
    this.store.batch([this.store.insertRows(revokedKeys, { keyId, revokedAt: Date.now() }).onConflictDoNothing()]);
    this.ids?.add(keyId);
  }

  /** Reads them from storage again at the next check (after the storage was cleared). */
  forget(): void {
    this.ids = null;
  }
}
