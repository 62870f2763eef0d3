// Engine server requests about the workspace: its targets, building one, creating a harness.
import { join } from 'node:path';
import type { Connection } from 'vscode-languageserver/node';
import {
  BuildOutputNotification,
  BuildRequest,
  CreateHarnessRequest,
  ListTargetsRequest,
} from '../../protocol/messages';
import { ConfigEditError } from '../config/addTarget';
import { CONFIG_FILE_NAME } from '../config/types';
import { createHarness } from '../harness/createHarness';
import { HarnessError } from '../harness/generate';
import { buildForIde } from './harnessBuild';
import { asUserError } from './serverContext';
import { resolveWorkspaceTargets, toWorkspaceTarget } from './workspaceTargets';

export function registerWorkspaceRequests(connection: Connection): void {
  connection.onRequest(ListTargetsRequest, ({ workspaceRoot }) => {
    const { targets, origins, problems } = resolveWorkspaceTargets(workspaceRoot);
    return {
      targets: targets.map((t) => toWorkspaceTarget(t, origins.get(t.name) ?? 'config')),
      problems,
    };
  });

  connection.onRequest(BuildRequest, async ({ workspaceRoot, target, sanitizers }) => {
    const { targets, origins } = resolveWorkspaceTargets(workspaceRoot);
    const t = targets.find((x) => x.name === target);
    if (t === undefined) throw asUserError(`no target named ${target} in ${workspaceRoot}`);
    try {
      return await buildForIde(
        {
          target: t,
          root: workspaceRoot,
          fromHarnessScan: origins.get(target) === 'harness',
          sanitizers,
        },
        (text) => void connection.sendNotification(BuildOutputNotification, { text }),
      );
    } catch (err) {
      throw asUserError(err);
    }
  });

  connection.onRequest(CreateHarnessRequest, (p) => {
    try {
      const created = createHarness({
        sourcePath: p.sourceFile,
        ...(p.functionName !== undefined ? { functionName: p.functionName } : {}),
        ...(p.line !== undefined ? { line: p.line } : {}),
        template: p.template,
        configPath: join(p.workspaceRoot, CONFIG_FILE_NAME),
      });
      return { harnessFile: created.harnessPath, targetName: created.target.name };
    } catch (err) {
      // The generator's and the config editor's refusals are messages for the user.
      if (err instanceof HarnessError || err instanceof ConfigEditError) {
        throw asUserError(err.message);
      }
      throw asUserError(err);
    }
  });
}
