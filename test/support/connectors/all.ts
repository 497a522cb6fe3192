import type { ConnectorFixture } from './types.ts';
import { arbFixture } from './arb.ts';
import { goldStandardFixture } from './gold-standard.ts';
import { verraFixture } from './verra.ts';

/** Every connector's fixture, for the suites that run on all of them. */
export const connectorFixtures: readonly ConnectorFixture[] = [verraFixture, goldStandardFixture, arbFixture];
