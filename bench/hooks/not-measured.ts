/** A figure the bench cannot measure yet because the code it measures is not written. */
export interface NotYetMeasured {
  measured: false;
  what: string;
  reason: string;
  /** Where to plug the measurement in. */
  hook: string;
}
