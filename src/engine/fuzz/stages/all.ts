// Every stage of the loop, made once per loop in the order the policy breaks ties by.
import type { Stage } from '../stage';
import { ChainStage } from './chain';
import { ColorizeStage } from './colorize';
import { FixupsStage } from './fixups';
import { HavocStage } from './havoc';
import { InputToStateStage } from './inputToState';
import { ProbeStage } from './probe';
import { RecordsStage } from './records';

export function createStages(now: () => number): Stage[] {
  return [
    new HavocStage(now),
    new InputToStateStage(),
    new ColorizeStage(),
    new ChainStage(),
    new FixupsStage(),
    new RecordsStage(),
    new ProbeStage(),
  ];
}
