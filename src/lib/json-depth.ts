// How deeply a JSON text nests, found without parsing it. JSON.parse takes time growing with nesting far faster than
// with size (4 MB of `[[[…]]]` holds the event loop for over a second), and JSON.stringify of a parsed value that
// nests some thousands deep throws RangeError: a text nested deeper than any honest document is refused unparsed.

/**
 * Deepest nesting accepted in a model endpoint's answer or error body. An OpenAI chat completion nests about 6 deep
 * (body, choices, choice, message, tool_calls, call, function), 8 with tool arguments sent as an object; a Gemini
 * error array with its details about 5. The rest is room for arguments and metadata, never a thousandfold of it.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * The deepest nesting of objects and arrays in `text` read as JSON: brackets inside strings (escapes honoured) do not
 * count. Linear in the text, allocation-free, and reads strings with indexOf; it stops once the depth passes `stopAt`
 * (then it returns that depth, a lower bound). Malformed text gets a number too: JSON.parse decides about it after.
 */
export function jsonDepth(text: string, stopAt = Infinity): number {
  let depth = 0;
  let deepest = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // a string: its end is the next quote not escaped by an odd run of backslashes
      let q = text.indexOf('"', i + 1);
      while (q !== -1) {
        let slashes = 0;
        for (let k = q - 1; k > i && text.charCodeAt(k) === 0x5c; k--) slashes++;
        if (slashes % 2 === 0) break;
        q = text.indexOf('"', q + 1);
      }
      if (q === -1) return deepest;
      i = q;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > stopAt) return deepest;
      }
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return deepest;
}

/** Whether `text` nests deeper than `max` (found without parsing it; stops at the first level too deep). */
export function nestsDeeperThan(text: string, max = MAX_JSON_DEPTH): boolean {
  return jsonDepth(text, max) > max;
}
