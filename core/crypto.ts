/**
 * Secrets at rest (`credentials`; docs/architecture.md): AES-256-GCM through WebCrypto under the Worker
 * secret ENCRYPTION_KEY. Each ciphertext records the key version that sealed it, so the key can
 * be rotated: the new key becomes ENCRYPTION_KEY (with a higher ENCRYPTION_KEY_VERSION), the old
 * one moves to ENCRYPTION_KEY_PREVIOUS, and old rows still open while they are re-sealed.
 * Callers pass additional data (e.g. `${orgId}:${provider}`) that binds a ciphertext to its
 * owner: a row copied to another org or provider fails to open.
 */
import type { AppConfig } from './config';

export type EncryptionConfig = Pick<
  AppConfig,
  'ENCRYPTION_KEY' | 'ENCRYPTION_KEY_VERSION' | 'ENCRYPTION_KEY_PREVIOUS' | 'ENCRYPTION_KEY_PREVIOUS_VERSION'
>;

export interface SealedSecret {
  /** Base64 of the AES-GCM output (ciphertext followed by the 16-byte tag). */
  ciphertext: string;
  /** Base64 of the 12-byte nonce, fresh for every seal. */
  iv: string;
  keyVersion: number;
}

/** A secret that cannot be opened: unknown key version, wrong additional data, or tampering. */
export class DecryptionError extends Error {
  constructor(
    message: string,
    readonly keyVersion: number,
  ) {
    super(message);
    this.name = 'DecryptionError';
  }
}

const IV_BYTES = 12;
const imported = new Map<string, Promise<CryptoKey>>();

function importKey(base64: string): Promise<CryptoKey> {
  let key = imported.get(base64);
  if (!key) {
    key = crypto.subtle.importKey('raw', fromBase64(base64), { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
    // One entry per configured key; a handful at most per isolate.
    imported.set(base64, key);
  }
  return key;
}

/** The key material for `version`, or undefined when this config does not carry it. */
function keyForVersion(config: EncryptionConfig, version: number): string | undefined {
  if (version === config.ENCRYPTION_KEY_VERSION) return config.ENCRYPTION_KEY;
  if (config.ENCRYPTION_KEY_PREVIOUS && version === config.ENCRYPTION_KEY_PREVIOUS_VERSION)
    return config.ENCRYPTION_KEY_PREVIOUS;
  return undefined;
}

/** The additional data that ties a credential to its org and provider. */
export function credentialAad(orgId: string, provider: string): string {
  return `${orgId}:${provider}`;
}

/** True when `keyVersion` is not the current one: the secret should be re-sealed. */
export function needsReseal(config: EncryptionConfig, keyVersion: number): boolean {
  return keyVersion !== config.ENCRYPTION_KEY_VERSION;
}

/** Seals `plaintext` under the current key version. */
export async function encryptSecret(
  config: EncryptionConfig,
  plaintext: string,
  additionalData: string,
): Promise<SealedSecret> {
  if (!config.ENCRYPTION_KEY) throw new Error('ENCRYPTION_KEY is not configured.');
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const key = await importKey(config.ENCRYPTION_KEY);
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: utf8(additionalData) },
    key,
    utf8(plaintext),
  );
  return { ciphertext: toBase64(new Uint8Array(sealed)), iv: toBase64(iv), keyVersion: config.ENCRYPTION_KEY_VERSION };
}

/** Opens a sealed secret with the key of its version; throws DecryptionError when it cannot. */
export async function decryptSecret(
  config: EncryptionConfig,
  sealed: SealedSecret,
  additionalData: string,
): Promise<string> {
  const material = keyForVersion(config, sealed.keyVersion);
  if (!material) {
    throw new DecryptionError(
      `Encryption key version ${sealed.keyVersion} is not configured (current is ${config.ENCRYPTION_KEY_VERSION}); set it as ENCRYPTION_KEY_PREVIOUS.`,
      sealed.keyVersion,
    );
  }
  try {
    const key = await importKey(material);
    const opened = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: fromBase64(sealed.iv), additionalData: utf8(additionalData) },
      key,
      fromBase64(sealed.ciphertext),
    );
    return new TextDecoder().decode(opened);
  } catch {
    // WebCrypto says only "OperationError"; the causes are a wrong key, wrong owner or tampering.
    throw new DecryptionError(
      'The secret could not be decrypted: wrong key, wrong owner, or altered data.',
      sealed.keyVersion,
    );
  }
}

function utf8(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(text);
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
