// The dashboard webview's HTML shell under a strict CSP: local style and a nonce'd script (pure).
import { randomBytes } from 'node:crypto';

export interface DashboardAssets {
  /** `webview.cspSource`. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  nonce?: string;
}

export function makeNonce(): string {
  return randomBytes(18).toString('base64');
}

/** Nothing remote, nothing inline but the one script the nonce names. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource}`,
    `style-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

const escapeAttr = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');

export function dashboardHtml(assets: DashboardAssets): string {
  const nonce = assets.nonce ?? makeNonce();
  const csp = contentSecurityPolicy(assets.cspSource, nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttr(assets.styleUri)}">
<title>Fuzz Workbench</title>
</head>
<body>
<header><h1>Fuzz Workbench: <span id="title">no session</span></h1><span id="state"></span></header>
<section id="stats" class="stats"></section>
<section class="plots">
  <figure><figcaption>Coverage (edges)</figcaption><canvas id="cov" width="600" height="200"></canvas></figure>
  <figure><figcaption>Executions per second</figcaption><canvas id="eps" width="600" height="200"></canvas></figure>
</section>
<section><h2>Findings</h2><table id="findings"><thead><tr><th>Type</th><th>Where</th><th>Hits</th><th>Verified</th></tr></thead><tbody></tbody></table></section>
<script nonce="${nonce}" src="${escapeAttr(assets.scriptUri)}"></script>
</body>
</html>`;
}
