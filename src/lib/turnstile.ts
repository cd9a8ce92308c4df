/**
 * Lets heavy CPU work through one piece per event-loop turn. Work that resumes together (a group commit wakes every
 * episode it stored; a diffusion step resolves eight calls at once) would otherwise run back to back in one turn:
 * with long answers (a hostile model's 160 KB, replayed in every later prompt) that is hundreds of milliseconds in
 * which no request is answered, /healthz included. A piece of at least `heavyChars` characters (a prompt to
 * serialise, an answer to read) waits for a turn of its own, so pending I/O (other tenants' requests) runs between
 * heavy pieces. Lighter pieces pass at once: ordinary answers keep their group commits and pay nothing.
 */
export type Turnstile = (chars: number) => Promise<void>;

const PASS = Promise.resolve();

export function createTurnstile(heavyChars = 32_000): Turnstile {
  const waiting: (() => void)[] = [];
  let pumping = false;
  const pump = () => {
    const next = waiting.shift();
    if (!next) {
      pumping = false;
      return;
    }
    next();
    // queued from inside the check phase, so it runs in the next turn, after that turn's I/O
    setImmediate(pump);
  };
  return (chars) => {
    if (chars < heavyChars) return PASS;
    return new Promise<void>((resolve) => {
      waiting.push(resolve);
      if (!pumping) {
        pumping = true;
        setImmediate(pump);
      }
    });
  };
}
