import type { CliIo } from '../../src/cli/gate.js';

/** A captured output stream for CLI commands under test. */
export class Sink {
  text = '';
  isTTY = false;
  write(s: string) {
    this.text += s;
    return true;
  }
}

/** CLI I/O whose stdout and stderr are captured. */
export const captureIo = (extra: Partial<CliIo> = {}) => {
  const stdout = new Sink();
  const stderr = new Sink();
  return { io: { stdout, stderr, env: {}, ...extra } satisfies CliIo, stdout, stderr };
};
