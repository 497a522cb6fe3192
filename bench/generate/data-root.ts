import { resolve } from 'node:path';

/** Where data sets are written unless `--data` says otherwise: bench/.data (gitignored). */
export const defaultDataRoot = resolve(import.meta.dirname, '..', '.data');
