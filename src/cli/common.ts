import { parseConfig, ConfigError, type Config } from '../config/config.js';

export function loadConfig(): Config {
  try {
    return parseConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`atp-bench: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

/** Resolves when SIGINT or SIGTERM arrives (once). */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}
