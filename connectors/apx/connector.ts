/**
 * Builds the `Connector` of one APX-platform registry from its configuration: one normalizer for
 * both of its formats (APX CSV exports, GreenTrace JSON), `readExports` over APX exports, and the
 * fetcher of the platform the registry is on today.
 */
import type { Connector, FetchContext, NormalizeResult, RawRecord } from '../contract.ts';
import { fetchApxReports } from './apx-fetch.ts';
import { readApxExports } from './exports.ts';
import { fetchGreenTrace, normalizeGreenTrace } from './greentrace.ts';
import { normalizeApx } from './normalize.ts';
import type { ApxRegistry } from './registries.ts';

export interface ApxConnectorSettings extends Pick<
  Connector,
  'displayName' | 'kind' | 'homepage' | 'baseUrlEnv' | 'defaultBaseUrl' | 'defaultSchedule' | 'normalizerVersion'
> {
  /** The live platform `fetch` reads: the APX report export, or ICE GreenTrace (§0.1). */
  platform: 'apx' | 'greentrace';
}

/** Normalizes a raw record of either format: GreenTrace source kinds start with `greentrace-`. */
export function normalizeApxRecord(config: ApxRegistry, raw: RawRecord): NormalizeResult {
  return raw.sourceKind.startsWith('greentrace-') ? normalizeGreenTrace(config, raw) : normalizeApx(config, raw);
}

export function apxConnector(config: ApxRegistry, settings: ApxConnectorSettings): Connector {
  const { platform, ...meta } = settings;
  return {
    id: config.programId,
    ...meta,
    fetch: (ctx: FetchContext) => (platform === 'greentrace' ? fetchGreenTrace(config, ctx) : fetchApxReports(config, ctx)),
    readExports: (dir: string) => readApxExports(config, dir),
    normalize: (raw: RawRecord) => normalizeApxRecord(config, raw),
  };
}
