// Loads the engine's own executor start-up (src/engine/exec) so the bench measures the product path.
import { loadEngineModules } from '../lib/engineBundle.mjs';

/** startExecutor and targetEnv, bundled from the engine's TypeScript. */
export function loadEngine() {
  return loadEngineModules('engine-exec', {
    startExecutor: 'src/engine/exec/executor',
    pickFreeCpu: 'src/engine/exec/cpuBinding',
    targetEnv: 'src/engine/exec/targetEnv',
  });
}
