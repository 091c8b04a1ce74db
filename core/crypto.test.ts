import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';
import { credentialAad, DecryptionError, decryptSecret, encryptSecret, needsReseal } from './crypto';

const base = { APP_ENV: 'development', EDITION: 'self-hosted', APP_URL: 'http://localhost:8787' };
const keyA = btoa(String.fromCharCode(...new Uint8Array(32).fill(1)));
const keyB = btoa(String.fromCharCode(...new Uint8Array(32).fill(2)));
// Built at run time so no key-shaped literal sits in git.
const secret = ['sk-ant', 'api03', crypto.randomUUID()].join('-');
const aad = credentialAad('org_one', 'anthropic');

const v1 = loadConfig({ ...base, ENCRYPTION_KEY: keyA });
const v2 = loadConfig({ ...base, ENCRYPTION_KEY: keyB, ENCRYPTION_KEY_VERSION: '2', ENCRYPTION_KEY_PREVIOUS: keyA });

function flipFirstByte(base64: string): string {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  bytes[0] = bytes[0]! ^ 0x01;
  return btoa(String.fromCharCode(...bytes));
}

describe('encryptSecret / decryptSecret', () => {
  it('round-trips, with a fresh IV each time and no plaintext in the output', async () => {
    const first = await encryptSecret(v1, secret, aad);
    const second = await encryptSecret(v1, secret, aad);
    expect(first.keyVersion).toBe(1);
    expect(first.iv).not.toBe(second.iv);
    expect(first.ciphertext).not.toBe(second.ciphertext);
    expect(JSON.stringify(first)).not.toContain('abcdefghij');
    expect(atob(first.iv)).toHaveLength(12);
    expect(await decryptSecret(v1, first, aad)).toBe(secret);
  });

  it('refuses a ciphertext moved to another org or provider (additional data)', async () => {
    const sealed = await encryptSecret(v1, secret, aad);
    await expect(decryptSecret(v1, sealed, credentialAad('org_two', 'anthropic'))).rejects.toBeInstanceOf(
      DecryptionError,
    );
    await expect(decryptSecret(v1, sealed, credentialAad('org_one', 'openai'))).rejects.toBeInstanceOf(DecryptionError);
  });

  it('refuses tampered ciphertext or IV, and the wrong key', async () => {
    const sealed = await encryptSecret(v1, secret, aad);
    await expect(
      decryptSecret(v1, { ...sealed, ciphertext: flipFirstByte(sealed.ciphertext) }, aad),
    ).rejects.toBeInstanceOf(DecryptionError);
    await expect(decryptSecret(v1, { ...sealed, iv: flipFirstByte(sealed.iv) }, aad)).rejects.toBeInstanceOf(
      DecryptionError,
    );
    const otherKey = loadConfig({ ...base, ENCRYPTION_KEY: keyB });
    await expect(decryptSecret(otherKey, sealed, aad)).rejects.toThrowError(/could not be decrypted/);
  });

  it('after a rotation, opens version 1 with the previous key and seals new secrets as version 2', async () => {
    const old = await encryptSecret(v1, secret, aad);
    expect(needsReseal(v2, old.keyVersion)).toBe(true);
    expect(await decryptSecret(v2, old, aad)).toBe(secret);

    const fresh = await encryptSecret(v2, secret, aad);
    expect(fresh.keyVersion).toBe(2);
    expect(needsReseal(v2, fresh.keyVersion)).toBe(false);
    expect(await decryptSecret(v2, fresh, aad)).toBe(secret);
    // The old config has never heard of version 2.
    await expect(decryptSecret(v1, fresh, aad)).rejects.toThrowError(/version 2 is not configured/);
  });

  it('names the missing version once the previous key is dropped, without leaking key material', async () => {
    const old = await encryptSecret(v1, secret, aad);
    const onlyV2 = loadConfig({ ...base, ENCRYPTION_KEY: keyB, ENCRYPTION_KEY_VERSION: 2 });
    const error = await decryptSecret(onlyV2, old, aad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecryptionError);
    expect((error as DecryptionError).keyVersion).toBe(1);
    expect(String((error as Error).message)).not.toContain(keyA);
  });
});

describe('rotation settings', () => {
  it('defaults to version 1, and the previous key to one version below the current', () => {
    expect(v1.ENCRYPTION_KEY_VERSION).toBe(1);
    expect(v1.ENCRYPTION_KEY_PREVIOUS_VERSION).toBeUndefined();
    expect(v2.ENCRYPTION_KEY_VERSION).toBe(2);
    expect(v2.ENCRYPTION_KEY_PREVIOUS_VERSION).toBe(1);
    const explicit = loadConfig({
      ...base,
      ENCRYPTION_KEY: keyB,
      ENCRYPTION_KEY_VERSION: '7',
      ENCRYPTION_KEY_PREVIOUS: keyA,
      ENCRYPTION_KEY_PREVIOUS_VERSION: '3',
    });
    expect(explicit.ENCRYPTION_KEY_PREVIOUS_VERSION).toBe(3);
  });

  it('names a rotation that cannot work', () => {
    expect(() => loadConfig({ ...base, ENCRYPTION_KEY: keyB, ENCRYPTION_KEY_PREVIOUS: keyA })).toThrowError(
      /ENCRYPTION_KEY_VERSION must be 2 or more/,
    );
    expect(() =>
      loadConfig({
        ...base,
        ENCRYPTION_KEY: keyB,
        ENCRYPTION_KEY_VERSION: 2,
        ENCRYPTION_KEY_PREVIOUS: keyA,
        ENCRYPTION_KEY_PREVIOUS_VERSION: 2,
      }),
    ).toThrowError(/ENCRYPTION_KEY_PREVIOUS_VERSION must differ/);
    expect(() => loadConfig({ ...base, ENCRYPTION_KEY_VERSION: 2, ENCRYPTION_KEY_PREVIOUS: keyA })).toThrowError(
      /ENCRYPTION_KEY is required when ENCRYPTION_KEY_PREVIOUS/,
    );
    expect(() => loadConfig({ ...base, ENCRYPTION_KEY: keyB, ENCRYPTION_KEY_VERSION: 'two' })).toThrowError(
      /ENCRYPTION_KEY_VERSION must be a whole number/,
    );
    expect(() =>
      loadConfig({ ...base, ENCRYPTION_KEY: keyB, ENCRYPTION_KEY_VERSION: 2, ENCRYPTION_KEY_PREVIOUS: 'c2hvcnQ=' }),
    ).toThrowError(/ENCRYPTION_KEY_PREVIOUS must be 32 bytes/);
  });
});
