// Python's json module writes NaN, Infinity and -Infinity by default (a server's logprobs or usage); JSON has no
// such tokens, so JSON.parse refuses a body that is otherwise a good completion.

const NON_FINITE = /NaN|Infinity/;

/**
 * JSON.parse, and when that fails on a text holding NaN / Infinity / -Infinity outside strings, the same text with
 * those tokens read as null. One linear pass that tracks strings and escapes; throws as JSON.parse does otherwise.
 */
export function parseJsonLenient(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    if (!NON_FINITE.test(text)) throw err;
    return JSON.parse(nonFiniteAsNull(text));
  }
}

function nonFiniteAsNull(text: string): string {
  let out = '';
  let from = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
      continue;
    }
    for (const token of ['-Infinity', 'Infinity', 'NaN']) {
      if (text.startsWith(token, i)) {
        out += `${text.slice(from, i)}null`;
        i += token.length - 1;
        from = i + 1;
        break;
      }
    }
  }
  return out + text.slice(from);
}
