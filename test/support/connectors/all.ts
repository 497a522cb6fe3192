import { acrFixture } from './acr.ts';
import { arbFixture } from './arb.ts';
import { artTreesFixture } from './art-trees.ts';
import { carFixture } from './car.ts';
import { cercarbonoFixture } from './cercarbono.ts';
import { goldStandardFixture } from './gold-standard.ts';
import { isometricFixture } from './isometric.ts';
import type { ConnectorFixture } from './types.ts';
import { verraFixture } from './verra.ts';

/** Every connector's fixture, for the suites that run on all of them. */
export const connectorFixtures: readonly ConnectorFixture[] = [
  verraFixture,
  goldStandardFixture,
  acrFixture,
  carFixture,
  artTreesFixture,
  isometricFixture,
  cercarbonoFixture,
  arbFixture,
];
