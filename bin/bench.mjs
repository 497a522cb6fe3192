#!/usr/bin/env node
// Runs the benchmarks' TypeScript through tsx, as bin/hub.mjs does for the hub.
// `npm run bench` starts it with --expose-gc, so measurements can collect garbage between phases.
import { register } from 'tsx/esm/api';

register();
await import('../bench/main.ts');
