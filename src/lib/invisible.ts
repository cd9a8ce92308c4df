// Invisible format characters: zero-width space, non-joiner and joiner, word joiner, byte-order mark, soft hyphen.
// The reader drops them before reading (a label written with one inside is still the label), and error text loses
// them before secrets are masked (a key with one after each letter is still the key to a person).

export const INVISIBLE_CODES: readonly number[] = [0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0xad];

/** Every invisible character, for a global replace. */
export const INVISIBLE = new RegExp(`[${INVISIBLE_CODES.map((c) => `\\u${c.toString(16).padStart(4, '0')}`).join('')}]`, 'g');
