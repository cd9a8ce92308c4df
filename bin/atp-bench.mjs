#!/usr/bin/env node
// Launcher: registers tsx in-process and loads the TypeScript CLI, so the bin needs no build step
// and signals (SIGTERM/SIGINT) reach the server directly.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
